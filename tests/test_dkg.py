"""The Pedersen DKG (kyber share/dkg): messages byte for byte, ECIES, one node's rules, honest runs."""

from __future__ import annotations

import hashlib
import itertools
import struct
from dataclasses import replace

import pytest

from drand_edu.crypto import (
    BLS_UNCHAINED_G1_RFC9380,
    CURVE_ORDER,
    G1,
    G2,
    PEDERSEN_BLS_CHAINED,
    bls,
    keygen,
    schnorr,
    use_backend,
)
from drand_edu.errors import DKGError, InvalidInput, InvalidShare, NotEnoughShares
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import (
    COMPLAINT,
    SUCCESS,
    Config,
    Deal,
    DealBundle,
    DistKeyGenerator,
    DKGNode,
    FaultPlan,
    Justification,
    JustificationBundle,
    Phase,
    Response,
    ResponseBundle,
    ecies,
    nonce_for_epoch,
    run_dkg,
    run_reshare,
    verify_packet_signature,
)
from drand_edu.threshold.dkg.protocol import eval_commitments
from drand_edu.threshold.poly import PriPoly, recover_secret
from drand_edu.threshold.tbls import recover_signature, sign_partial

MSG = b"beacon round 1"
SID = bytes(range(32))
PLAIN = bytes(range(100, 132))  # a share is 32 bytes


@pytest.fixture(autouse=True)
def fast_backend():
    """Bulk DKG work runs on arkworks; the py_ecc test selects its backend itself."""
    with use_backend("arkworks"):
        yield


def u32(i: int) -> bytes:
    return struct.pack(">I", i)


# -- messages, byte for byte as kyber's structs.go ---------------------------------------------------
def test_deal_bundle_hash_layout() -> None:
    commits = (b"\xaa" * 48, b"\xbb" * 48)
    deals = (Deal(3, b"cipher-3"), Deal(1, b"cipher-1"))
    bundle = DealBundle(7, deals, commits, SID)
    expected = hashlib.sha256(
        u32(7) + commits[0] + commits[1] + u32(1) + b"cipher-1" + u32(3) + b"cipher-3" + SID
    ).digest()
    assert bundle.hash() == expected
    # the order of the deals does not matter: kyber sorts them by share index before hashing
    assert DealBundle(7, deals[::-1], commits, SID).hash() == expected
    assert DealBundle(7, deals, commits, SID[::-1]).hash() != expected
    # the signature is not part of what is signed
    assert bundle.with_signature(b"sig").hash() == expected


def test_response_and_justification_hash_layout() -> None:
    responses = (Response(4, COMPLAINT), Response(2, SUCCESS))
    bundle = ResponseBundle(5, responses, SID)
    expected = hashlib.sha256(u32(5) + u32(2) + b"\x01" + u32(4) + b"\x00" + SID).digest()
    assert bundle.hash() == expected

    share = 0x1234_5678_9ABC
    just = JustificationBundle(2, (Justification(6, share), Justification(1, 1)), SID)
    expected = hashlib.sha256(
        u32(2) + u32(1) + (1).to_bytes(32, "big") + u32(6) + share.to_bytes(32, "big") + SID
    ).digest()
    assert just.hash() == expected
    assert "0x1234" not in repr(just) and str(share) not in repr(just)


def test_nonce_for_epoch_is_drands() -> None:
    # drand internal/dkg/execution.go nonceFor: sha256 of the epoch as a big-endian uint32
    assert nonce_for_epoch(1) == hashlib.sha256(b"\x00\x00\x00\x01").digest()
    assert len(nonce_for_epoch(7)) == 32 and nonce_for_epoch(7) != nonce_for_epoch(8)
    with pytest.raises(DKGError):
        nonce_for_epoch(-1)


# -- ECIES (kyber encrypt/ecies) ----------------------------------------------------------------------
def test_ecies_round_trip_and_tampering() -> None:
    rng = seeded_rng(5)
    for group in (PEDERSEN_BLS_CHAINED.key_group, BLS_UNCHAINED_G1_RFC9380.key_group):
        secret = 1 + rng.randrange(CURVE_ORDER - 1)
        public = group.generator() * secret
        cipher = ecies.encrypt(group, public, PLAIN, rng)
        assert len(cipher) == group.size + 32 + 16  # E, ciphertext, GCM tag
        assert ecies.decrypt(group, secret, cipher) == PLAIN
        with pytest.raises(InvalidShare, match="authentication"):
            ecies.decrypt(group, secret + 1, cipher)
        flipped = cipher[:-1] + bytes([cipher[-1] ^ 1])
        with pytest.raises(InvalidShare):
            ecies.decrypt(group, secret, flipped)
        with pytest.raises(InvalidShare, match="too short"):
            ecies.decrypt(group, secret, cipher[:20])
        with pytest.raises(InvalidShare, match="ephemeral"):
            ecies.decrypt(group, secret, b"\x00" * group.size + cipher[group.size :])
    with pytest.raises(InvalidInput):
        ecies.encrypt(G1, G2.generator(), b"x")


def test_eval_commitments_matches_pubpoly() -> None:
    poly = PriPoly.random(4, rng=seeded_rng(2)).commit(G1)
    for index in (0, 1, 6, 200):
        assert eval_commitments(poly.commits, index) == poly.eval(index).value


# -- one node's protocol, driven by hand as kyber's dkg_test.go does ---------------------------------------
def make_configs(n: int, t: int, *, fast_sync: bool = False, seed: int = 1):
    rng = seeded_rng(seed)
    keys = [keygen(PEDERSEN_BLS_CHAINED, rng) for _ in range(n)]
    nodes = tuple(DKGNode(i, k.public) for i, k in enumerate(keys))
    configs = [Config(PEDERSEN_BLS_CHAINED, k.secret, nodes, SID, t, fast_sync=fast_sync) for k in keys]
    return configs, rng


def test_manual_run_without_complaints_finishes_after_responses() -> None:
    configs, rng = make_configs(4, 3)
    gens = [DistKeyGenerator(c, rng) for c in configs]
    deals = [g.deals() for g in gens]
    assert all(verify_packet_signature(configs[0], d) for d in deals)
    assert all(len(d.deals) == 3 and len(d.public) == 3 for d in deals)  # nobody deals to itself
    responses = [g.process_deals(deals) for g in gens]
    assert responses == [None] * 4  # not fast sync: silence means success
    results = [g.process_responses([])[0] for g in gens]
    assert all(r is not None and r.public_equal(results[0]) for r in results)
    assert [g.state for g in gens] == [Phase.FINISH] * 4
    secret = recover_secret([r.key.share for r in results], 3)
    assert G1.generator() * secret == results[0].key.public()


def test_manual_run_with_a_bad_deal_needs_a_justification() -> None:
    configs, rng = make_configs(4, 3, seed=2)
    gens = [DistKeyGenerator(c, rng) for c in configs]
    deals = [g.deals() for g in gens]
    # dealer 0's deal for holder 2 is replaced by garbage encrypted to 2, then re-signed by 0
    bad = ecies.encrypt(G1, configs[2].new_nodes[2].public, (5).to_bytes(32, "big"), rng)
    tampered = DealBundle(
        0, tuple(Deal(2, bad) if d.share_index == 2 else d for d in deals[0].deals), deals[0].public, SID
    )
    deals[0] = tampered.with_signature(schnorr.sign(G1, configs[0].longterm, tampered.hash(), rng))
    responses = [g.process_deals(deals) for g in gens]
    assert responses[2] is not None and responses[2].responses == (Response(0, COMPLAINT),)
    assert [r for i, r in enumerate(responses) if i != 2] == [None] * 3
    outputs = [g.process_responses([responses[2]]) for g in gens]
    assert all(result is None for result, _ in outputs)
    justification = outputs[0][1]
    assert justification is not None and [j.share_index for j in justification.justifications] == [2]
    assert all(j is None for _, j in outputs[1:])
    results = [g.process_justifications([justification]) for g in gens]
    assert all(r.public_equal(results[0]) for r in results)
    assert [n.index for n in results[0].qual] == [0, 1, 2, 3]
    assert results[0].key.commits.check(results[2].key.share)  # holder 2 got its share by justification


def test_wrong_session_id_evicts_the_dealer() -> None:
    configs, rng = make_configs(3, 2, seed=3)
    gens = [DistKeyGenerator(c, rng) for c in configs]
    deals = [g.deals() for g in gens]
    replayed = DealBundle(1, deals[1].deals, deals[1].public, bytes(32))
    deals[1] = replayed.with_signature(schnorr.sign(G1, configs[1].longterm, replayed.hash(), rng))
    gens[0].process_deals(deals)
    assert gens[0].evicted == [1]
    assert any("session ID" in e for e in gens[0].events)


def test_config_and_state_errors() -> None:
    configs, rng = make_configs(3, 2)
    good = configs[0]
    with pytest.raises(DKGError, match="nonce"):
        DistKeyGenerator(Config(good.scheme, good.longterm, good.new_nodes, b"short", 2))
    with pytest.raises(DKGError, match="not found"):
        DistKeyGenerator(Config(good.scheme, 12345, good.new_nodes, SID, 2))
    with pytest.raises(DKGError, match="duplicate"):
        doubled = (*good.new_nodes, DKGNode(0, G1.generator()))
        DistKeyGenerator(Config(good.scheme, good.longterm, doubled, SID, 2))
    with pytest.raises(DKGError, match="threshold"):
        DistKeyGenerator(Config(good.scheme, good.longterm, good.new_nodes, SID, 4))
    with pytest.raises(DKGError, match="old threshold"):
        pub = PriPoly.random(2, rng=rng).commit(G1)
        DistKeyGenerator(
            Config(
                good.scheme,
                good.longterm,
                good.new_nodes,
                SID,
                2,
                old_nodes=good.new_nodes,
                public_coeffs=pub,
            )
        )
    gen = DistKeyGenerator(good, rng)
    with pytest.raises(DKGError, match="after processing shares"):
        gen.process_responses([])
    gen.deals()
    with pytest.raises(DKGError, match="initial state"):
        gen.deals()
    with pytest.raises(DKGError, match="after processing responses"):
        gen.process_justifications([])
    assert str(good.longterm) not in repr(good) and "hidden" in repr(good)


# -- whole runs through the driver ----------------------------------------------------------------------
@pytest.mark.parametrize("n", [3, 5, 7])
def test_honest_dkg_agrees_and_shares_recover_the_key(n: int) -> None:
    t = n // 2 + 1
    outcome = run_dkg(n, t, rng=seeded_rng(n))
    results = [outcome.results[i] for i in range(n)]
    assert all(r.public_equal(results[0]) for r in results)
    assert outcome.qual == tuple(range(n)) and outcome.honest == tuple(range(n))
    pub = outcome.public_poly
    assert pub.threshold == t and pub.commit() == outcome.group_key
    shares = outcome.shares()
    assert [s.index for s in shares] == list(range(n))
    assert all(pub.check(s) for s in shares)
    secret = recover_secret(shares, t)
    assert G1.generator() * secret == outcome.group_key
    for subset in itertools.combinations(shares, t):
        assert recover_secret(list(subset), t) == secret
    for subset in itertools.combinations(shares, t - 1):
        with pytest.raises(NotEnoughShares):
            recover_secret(list(subset), t)
        if t > 1:  # interpolating t-1 points gives another number, not the secret
            assert recover_secret(list(subset), t - 1) != secret
    # the group signs: t partials recover the plain BLS signature of the group secret
    partials = [sign_partial(PEDERSEN_BLS_CHAINED, s, MSG) for s in shares[-t:]]
    signature = recover_signature(PEDERSEN_BLS_CHAINED, pub, MSG, partials, t)
    assert bls.verify(PEDERSEN_BLS_CHAINED, outcome.group_key, MSG, signature)
    assert outcome.phases == (Phase.DEAL, Phase.RESPONSE, Phase.FINISH)
    assert outcome.message_counts == {"deal": n, "response": n, "justification": 0}
    assert outcome.clock == 2  # fast sync: each phase ends as soon as everything arrived
    assert str(secret) not in repr(outcome) and str(shares[0].value) not in repr(outcome.results[0])


def test_py_ecc_small_dkg_matches_arkworks() -> None:
    with use_backend("py_ecc"):
        slow = run_dkg(3, 2, rng=seeded_rng(11))
        shares = slow.shares()
        assert G1.generator() * recover_secret(shares[1:], 2) == slow.group_key
    fast = run_dkg(3, 2, rng=seeded_rng(11))
    assert fast.group_key == slow.group_key
    assert fast.public_poly.to_bytes_list() == slow.public_poly.to_bytes_list()


def test_seeded_runs_are_deterministic() -> None:
    a = run_dkg(4, 3, rng=seeded_rng("seed"))
    b = run_dkg(4, 3, rng=seeded_rng("seed"))
    c = run_dkg(4, 3, rng=seeded_rng("other"))
    assert a.group_key == b.group_key and a.public_poly == b.public_poly
    assert [s.value for s in a.shares()] == [s.value for s in b.shares()]
    assert c.group_key != a.group_key


def test_other_scheme_and_slow_sync_mode() -> None:
    outcome = run_dkg(4, 3, BLS_UNCHAINED_G1_RFC9380, rng=seeded_rng(4), fast_sync=False)
    assert outcome.group_key.group is BLS_UNCHAINED_G1_RFC9380.key_group
    assert outcome.message_counts == {"deal": 4, "response": 0, "justification": 0}  # complaints only
    assert outcome.clock == 20  # without fast sync every phase waits for its timeout
    partials = [sign_partial(BLS_UNCHAINED_G1_RFC9380, s, MSG) for s in outcome.shares()[:3]]
    signature = recover_signature(BLS_UNCHAINED_G1_RFC9380, outcome.public_poly, MSG, partials, 3)
    assert bls.verify(BLS_UNCHAINED_G1_RFC9380, outcome.group_key, MSG, signature)


def test_progress_bar_does_not_change_the_result(capsys) -> None:
    quiet = run_dkg(3, 2, rng=seeded_rng(12))
    shown = run_dkg(3, 2, rng=seeded_rng(12), progress=True)
    assert shown.group_key == quiet.group_key
    assert "DKG n=3" in capsys.readouterr().err


def test_outcome_to_group_file() -> None:
    outcome = run_dkg(4, 3, rng=seeded_rng(13), faults=FaultPlan(silent={2}))
    group = outcome.to_group(3, 1_700_000_000)
    assert [n.index for n in group.nodes] == [0, 1, 3]  # QUAL only, with their DKG indices
    assert group.public_key == outcome.public_poly and group.threshold == 3
    assert group.nodes[2].public_key == outcome.keys[3].public.to_bytes()
    # drand's asGroup: first epoch, transition = genesis, seed = hash of the group itself
    assert group.transition_time == 1_700_000_000 and group.catchup_period == 0  # drand's default
    assert group.genesis_seed == replace(group, genesis_seed=b"").hash()
    assert group.chain_info_fields()["public_key"] == outcome.group_key.to_bytes()
    kept = outcome.to_group(3, 1_700_000_000, genesis_seed=b"seed", addresses=["a", "b", "c", "d"])
    assert kept.genesis_seed == b"seed" and kept.nodes[2].address == "d"
    with pytest.raises(InvalidInput):
        outcome.to_group(3, 1_700_000_000, addresses=["a"])


def test_a_threshold_below_a_majority_is_refused_as_drand_refuses_the_proposal() -> None:
    """drand's validateForAllDKGs answers ErrThresholdTooLow below MinimumT(n) = n/2 + 1; run_dkg and
    run_reshare skip the proposal, so they check their threshold the same way, with an explicit opt-out."""
    with pytest.raises(InvalidInput, match="below drand's minimum"):
        run_dkg(5, 2, rng=seeded_rng(1))
    with pytest.raises(InvalidInput, match="allow_insecure_threshold"):
        run_dkg(4, 2, rng=seeded_rng(1))  # 4 // 2 + 1 = 3: half the nodes is not a majority
    weak = run_dkg(5, 2, rng=seeded_rng(1), allow_insecure_threshold=True)  # an experiment, said so
    assert weak.ok and weak.threshold == 2 and weak.public_poly.threshold == 2
    assert run_dkg(5, 3, rng=seeded_rng(1)).threshold == 3  # the floor itself is fine
    with pytest.raises(InvalidInput, match="new threshold 2 is below"):
        run_reshare(weak, 5, 2, rng=seeded_rng(2))
    assert run_reshare(weak, 5, 2, rng=seeded_rng(2), allow_insecure_threshold=True).threshold == 2


def test_run_dkg_bad_input() -> None:
    for n, t in ((0, 1), (3, 4), (3, 0)):
        with pytest.raises(InvalidInput):
            run_dkg(n, t, rng=seeded_rng(1))
    with pytest.raises(InvalidInput):
        run_dkg(3, 2, rng=seeded_rng(1), phase_timeout=0)
