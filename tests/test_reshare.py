"""Resharing (kyber share/dkg): the group key stays, every share changes, old shares stop working."""

from __future__ import annotations

import pytest

from drand_edu.crypto import G1, PEDERSEN_BLS_CHAINED, bls, use_backend
from drand_edu.errors import DKGError, InvalidInput, InvalidSignature
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import FaultPlan, Phase, run_dkg, run_reshare
from drand_edu.threshold.poly import PriShare, recover_secret
from drand_edu.threshold.tbls import recover_signature, sign_partial, verify_partial

SCHEME = PEDERSEN_BLS_CHAINED
MSG = b"round 42"


@pytest.fixture(autouse=True)
def fast_backend():
    with use_backend("arkworks"):
        yield


@pytest.fixture(scope="module")
def old():
    with use_backend("arkworks"):
        return run_dkg(5, 3, rng=seeded_rng(100))


def group_secret(outcome) -> int:
    return recover_secret(outcome.shares(), outcome.threshold)


def check_new_group(old, new) -> None:
    """Same key, agreeing nodes, working shares and signatures; the old shares are useless now."""
    assert new.group_key == old.group_key
    assert new.public_poly != old.public_poly
    assert new.public_poly.threshold == new.threshold
    reference = new.results[new.honest[0]]
    assert all(new.results[i].public_equal(reference) for i in new.honest)
    assert group_secret(new) == group_secret(old)
    assert all(new.public_poly.check(s) for s in new.shares())

    # t' new partials recover the group signature, valid under the unchanged group key
    partials = [sign_partial(SCHEME, s, MSG) for s in new.shares()[: new.threshold]]
    signature = recover_signature(SCHEME, new.public_poly, MSG, partials, new.threshold)
    assert bls.verify(SCHEME, old.group_key, MSG, signature)
    assert signature == bls.sign(SCHEME, group_secret(old), MSG)

    # an old share's partial does not verify against the new public polynomial
    for old_share in old.shares():
        partial = sign_partial(SCHEME, old_share, MSG)
        verify_partial(SCHEME, old.public_poly, MSG, partial)  # fine under the old one
        if old_share.index < len(new.nodes):
            with pytest.raises(InvalidSignature):
                verify_partial(SCHEME, new.public_poly, MSG, partial)


def test_grow_with_overlap(old) -> None:
    new = run_reshare(old, 7, 4, rng=seeded_rng(1))
    check_new_group(old, new)
    assert new.old_threshold == 3 and new.qual == tuple(range(7))
    # the five old nodes stay, with their long-term keys; every index is a public key's rank
    publics = [new.keys[j].public.to_bytes() for j in range(7)]
    assert publics == sorted(publics)
    assert {old.keys[i].public for i in range(5)} <= {new.keys[j].public for j in range(7)}
    assert all(new.share(i).value != old.share(i).value for i in range(5))
    assert new.phases == (Phase.DEAL, Phase.RESPONSE, Phase.FINISH)
    assert new.message_counts["deal"] == 5  # only old nodes deal


def test_entirely_new_group(old) -> None:
    new = run_reshare(old, 4, 3, keep=(), rng=seeded_rng(2))
    check_new_group(old, new)
    old_keys = {old.keys[i].public for i in old.qual}
    assert not old_keys & {new.keys[i].public for i in new.honest}


def test_shrink_and_change_order(old) -> None:
    new = run_reshare(old, 3, 2, keep=(4, 1), rng=seeded_rng(3))
    check_new_group(old, new)
    kept = {old.keys[4].public, old.keys[1].public}
    assert kept <= {new.keys[j].public for j in range(3)}
    publics = [new.keys[j].public.to_bytes() for j in range(3)]
    assert publics == sorted(publics)  # drand's order, not the order of keep


def test_indices_are_public_key_ranks_in_both_groups(old) -> None:
    # drand util.SortedByPublicKey: fresh DKG and resharing alike
    olds = [old.keys[i].public.to_bytes() for i in sorted(old.keys)]
    assert olds == sorted(olds)
    assert [n.public.to_bytes() for n in old.nodes] == olds
    new = run_reshare(old, 6, 4, keep=(3, 0, 4), rng=seeded_rng(11))
    news = [n.public.to_bytes() for n in new.nodes]
    assert news == sorted(news) and [new.keys[j].public.to_bytes() for j in range(6)] == news


def test_mixing_old_and_new_shares_does_not_recover(old) -> None:
    new = run_reshare(old, 5, 3, rng=seeded_rng(4))
    secret = group_secret(old)
    mixed = [old.share(0), old.share(1), new.share(2)]
    assert recover_secret(mixed, 3) != secret
    assert recover_secret([new.share(i) for i in (0, 3, 4)], 3) == secret
    # the same index, old value vs new value: only the new one lies on the new polynomial
    assert not new.public_poly.check(PriShare(2, old.share(2).value))


def test_reshare_twice_keeps_the_key(old) -> None:
    first = run_reshare(old, 6, 4, rng=seeded_rng(5))
    second = run_reshare(first, 4, 3, keep=(5, 0, 2), rng=seeded_rng(6))
    check_new_group(first, second)
    assert second.group_key == old.group_key


def test_faulty_old_dealer_within_tolerance(old) -> None:
    # old dealer 0 stays in the group but sends nothing: 4 dealers left, the old threshold is 3
    new = run_reshare(old, 6, 4, rng=seeded_rng(7), faults=FaultPlan(silent={0}))
    assert new.group_key == old.group_key
    # its new index (its key's rank in the new group) is out of the new group too
    j = next(j for j in range(6) if new.keys[j].public == old.keys[0].public)
    assert j not in new.qual and j not in new.honest
    assert group_secret(new) == group_secret(old)


def test_bad_deal_justified_during_resharing(old) -> None:
    new = run_reshare(old, 6, 4, rng=seeded_rng(8), faults=FaultPlan(bad_shares={(2, 5)}))
    check_new_group(old, new)
    assert Phase.JUSTIFICATION in new.phases and 5 in new.qual


def test_too_few_old_dealers_raise(old) -> None:
    with pytest.raises(DKGError, match="valid deals"):
        run_reshare(old, 5, 3, rng=seeded_rng(9), faults=FaultPlan(silent={0, 1, 2}))


def test_reshare_input_errors(old) -> None:
    with pytest.raises(InvalidInput):
        run_reshare(old, 4, 3, keep=(9,), rng=seeded_rng(1))
    with pytest.raises(InvalidInput):
        run_reshare(old, 2, 2, keep=(0, 1, 2), rng=seeded_rng(1))
    with pytest.raises(InvalidInput):
        run_reshare(old, 3, 4, rng=seeded_rng(1))
    failed = run_dkg(3, 2, rng=seeded_rng(1), faults=FaultPlan(silent={0, 1}), check=False)
    with pytest.raises(DKGError):
        run_reshare(failed, 3, 2, rng=seeded_rng(1))


def test_new_share_is_not_the_old_one_even_for_same_index(old) -> None:
    new = run_reshare(old, 5, 3, rng=seeded_rng(10))
    assert G1.generator() * group_secret(new) == old.group_key
    assert [s.value for s in new.shares()] != [s.value for s in old.shares()]
