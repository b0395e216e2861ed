"""Threshold BLS (kyber ``sign/tbls``): partial layout, partial verification, recovery, all schemes."""

from __future__ import annotations

import itertools

import pytest

from drand_edu.crypto import (
    BLS_UNCHAINED_G1_RFC9380,
    PEDERSEN_BLS_CHAINED,
    SCHEMES,
    bls,
    use_backend,
)
from drand_edu.errors import InvalidInput, InvalidShare, InvalidSignature, NotEnoughShares
from drand_edu.rng import seeded_rng
from drand_edu.threshold.poly import PriPoly, PriShare
from drand_edu.threshold.tbls import (
    is_valid_partial,
    partial_index,
    partial_value,
    recover_signature,
    sign_partial,
    verify_partial,
    verify_partials,
)

MSG = b"drand-edu threshold test"
ALL_SCHEMES = list(SCHEMES.values())


def dealt(scheme, t: int, n: int, seed: int = 1):
    poly = PriPoly.random(t, rng=seeded_rng(seed), modulus=scheme.key_group.order)
    return poly, poly.commit(scheme.key_group), poly.shares(n)


@pytest.mark.parametrize("scheme", ALL_SCHEMES, ids=lambda s: s.id)
def test_recovered_signature_is_the_group_signature(scheme) -> None:
    poly, pub, shares = dealt(scheme, 3, 5)
    partials = [sign_partial(scheme, s, MSG) for s in shares]
    expected = bls.sign(scheme, poly.secret(), MSG)
    assert len(expected) == scheme.signature_size
    for subset in itertools.combinations(partials, 3):
        assert recover_signature(scheme, pub, MSG, list(subset), 3, 5) == expected
    assert recover_signature(scheme, pub, MSG, partials[::-1], 3) == expected
    assert bls.verify(scheme, pub.commit(), MSG, expected)
    # t-1 partials never suffice, even if we "recover" with a lower threshold the result is wrong
    with pytest.raises(NotEnoughShares):
        recover_signature(scheme, pub, MSG, partials[:2], 3)


@pytest.mark.parametrize("scheme", ALL_SCHEMES, ids=lambda s: s.id)
def test_partial_layout_and_verification(scheme) -> None:
    _, pub, shares = dealt(scheme, 2, 3, seed=2)
    partial = sign_partial(scheme, shares[2], MSG)
    # kyber SigShare: uint16 big-endian index, then the BLS signature made with the share
    assert partial[:2] == b"\x00\x02"
    assert partial[2:] == bls.sign(scheme, shares[2].value, MSG) == partial_value(partial)
    assert len(partial) == 2 + scheme.signature_size
    assert partial_index(partial) == 2
    verify_partial(scheme, pub, MSG, partial)
    assert is_valid_partial(scheme, pub, MSG, partial)
    # the partial verifies under the signer's public share, i.e. as a plain BLS signature
    assert bls.verify(scheme, pub.eval(2).value, MSG, partial[2:])


def test_index_prefix_is_big_endian() -> None:
    scheme = BLS_UNCHAINED_G1_RFC9380
    partial = sign_partial(scheme, PriShare(258, 12345), MSG)
    assert partial[:2] == bytes([1, 2])
    assert partial_index(partial) == 258
    assert partial_index(b"\xff\xff") == 65535
    with pytest.raises(InvalidShare):
        sign_partial(scheme, PriShare(65536, 1), MSG)
    with pytest.raises(InvalidShare):
        sign_partial(scheme, PriShare(-1, 1), MSG)
    for short in (b"", b"\x01"):
        with pytest.raises(InvalidShare):
            partial_index(short)


def test_invalid_partials_raise_typed_errors() -> None:
    scheme = PEDERSEN_BLS_CHAINED
    _, pub, shares = dealt(scheme, 2, 3, seed=3)
    good = sign_partial(scheme, shares[1], MSG)
    with pytest.raises(InvalidSignature):
        verify_partial(scheme, pub, b"another message", good)
    with pytest.raises(InvalidSignature):  # a valid signature claimed by another node
        verify_partial(scheme, pub, MSG, b"\x00\x00" + good[2:])
    with pytest.raises(InvalidShare):  # truncated
        verify_partial(scheme, pub, MSG, good[:-1])
    with pytest.raises(InvalidShare):  # right length, not a point
        verify_partial(scheme, pub, MSG, good[:2] + b"\x00" * scheme.signature_size)
    with pytest.raises(InvalidShare):
        verify_partial(scheme, pub, MSG, b"\x00")
    with pytest.raises(InvalidInput):  # public polynomial in the wrong group for the scheme
        verify_partial(BLS_UNCHAINED_G1_RFC9380, pub, MSG, good)
    assert not is_valid_partial(scheme, pub, b"another message", good)
    assert not is_valid_partial(scheme, pub, MSG, good[:10])


def test_recover_skips_bad_duplicate_and_out_of_range_partials() -> None:
    scheme = PEDERSEN_BLS_CHAINED
    poly, pub, shares = dealt(scheme, 3, 6, seed=4)
    good = [sign_partial(scheme, s, MSG) for s in shares]
    expected = bls.sign(scheme, poly.secret(), MSG)
    wrong_msg = sign_partial(scheme, shares[0], b"other")
    garbage = b"\x00\x01" + b"\xff" * scheme.signature_size
    mixed = [wrong_msg, garbage, good[1], good[1], b"\x00", good[2], good[4]]
    assert recover_signature(scheme, pub, MSG, mixed, 3, 6) == expected
    # the repeat of node 1 must not count twice: two distinct good partials are not enough
    with pytest.raises(NotEnoughShares, match="got 2"):
        recover_signature(scheme, pub, MSG, [good[1], good[1], wrong_msg, good[2]], 3)
    # with n=4, node 4's (and 5's) partials are outside the group
    with pytest.raises(NotEnoughShares):
        recover_signature(scheme, pub, MSG, [good[1], good[4], good[5]], 3, 4)
    assert recover_signature(scheme, pub, MSG, [good[1], good[4], good[5]], 3, 6) == expected


def test_recover_without_verification() -> None:
    scheme = BLS_UNCHAINED_G1_RFC9380
    poly, pub, shares = dealt(scheme, 2, 3, seed=5)
    partials = [sign_partial(scheme, s, MSG) for s in shares]
    expected = bls.sign(scheme, poly.secret(), MSG)
    assert recover_signature(scheme, pub, MSG, partials[1:], 2, verify=False) == expected
    # unverified garbage is still decoded (and skipped) rather than crashing
    garbage = b"\x00\x00" + b"\x00" * scheme.signature_size
    assert recover_signature(scheme, pub, MSG, [garbage, *partials[1:]], 2, verify=False) == expected
    # ...but a well-formed wrong partial is *not* caught: that is the caller's promise
    bad = sign_partial(scheme, shares[0], b"other")
    assert recover_signature(scheme, pub, MSG, [bad, partials[1]], 2, verify=False) != expected
    assert recover_signature(scheme, pub, MSG, [bad, *partials[1:]], 2) == expected


def test_recover_bad_arguments() -> None:
    scheme = PEDERSEN_BLS_CHAINED
    _, pub, shares = dealt(scheme, 2, 3, seed=6)
    partials = [sign_partial(scheme, s, MSG) for s in shares]
    with pytest.raises(InvalidInput):
        recover_signature(scheme, pub, MSG, partials, 0)
    with pytest.raises(InvalidInput):
        recover_signature(BLS_UNCHAINED_G1_RFC9380, pub, MSG, partials, 2)
    with pytest.raises(NotEnoughShares):
        recover_signature(scheme, pub, MSG, [], 1)


def test_threshold_one_is_plain_bls() -> None:
    scheme = PEDERSEN_BLS_CHAINED
    poly, pub, shares = dealt(scheme, 1, 3, seed=7)
    assert all(s.value == poly.secret() for s in shares)
    assert recover_signature(scheme, pub, MSG, [sign_partial(scheme, shares[2], MSG)], 1) == bls.sign(
        scheme, poly.secret(), MSG
    )


def test_py_ecc_small_case() -> None:
    """The one case on the slow reference backend: t=2, n=3, signatures on G1 (quicknet's scheme)."""
    scheme = BLS_UNCHAINED_G1_RFC9380
    with use_backend("py_ecc"):
        poly, pub, shares = dealt(scheme, 2, 3, seed=8)
        partials = [sign_partial(scheme, s, MSG) for s in shares[1:]]
        signature = recover_signature(scheme, pub, MSG, partials, 2, 3)
    with use_backend("arkworks"):  # the fast backend agrees byte for byte
        assert partials == [sign_partial(scheme, s, MSG) for s in shares[1:]]
        assert signature == bls.sign(scheme, poly.secret(), MSG)
        assert bls.verify(scheme, pub.commit(), MSG, signature)


@pytest.mark.parametrize("scheme", ALL_SCHEMES, ids=lambda s: s.id)
def test_batch_verdicts_are_the_one_by_one_verdicts(scheme) -> None:
    _, pub, shares = dealt(scheme, 3, 8, seed=5)
    good = [sign_partial(scheme, s, MSG) for s in shares]
    assert verify_partials(scheme, pub, MSG, good) == [True] * 8
    shift = bls.hash_message(scheme, b"an error term")
    group = scheme.sig_group
    plus = good[1][:2] + (group.from_bytes(good[1][2:]) + shift).to_bytes()
    minus = good[2][:2] + (group.from_bytes(good[2][2:]) - shift).to_bytes()  # cancels plus in a plain sum
    batch = [
        good[0],
        plus,
        minus,
        sign_partial(scheme, shares[3], b"another message"),  # a valid point, the wrong message
        good[5][:2] + good[4][2:],  # node 4's signature under node 5's index
        good[6][:-1],  # too short
        good[6][:2] + group.identity().to_bytes(),  # the point at infinity
        good[7],
        good[7],  # a repeat is still valid
    ]
    expected = [is_valid_partial(scheme, pub, MSG, p) for p in batch]
    assert expected == [True, False, False, False, False, False, False, True, True]
    for seed in range(3):
        assert verify_partials(scheme, pub, MSG, batch, rng=seeded_rng(seed)) == expected
    shares_of = {i: pub.eval(i).value for i in range(8)}
    assert verify_partials(scheme, pub, MSG, batch, public_share=shares_of.__getitem__) == expected
    assert verify_partials(scheme, pub, MSG, []) == []
