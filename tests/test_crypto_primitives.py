"""Curve points, encodings, schemes and BLS: both backends give the same bytes and reject the same inputs.

py_ecc is the readable reference, arkworks and blst the fast ones; every primitive is run on every
installed backend and compared byte for byte (hypothesis draws the scalars and messages). Bad
encodings — wrong length, flags, non-canonical coordinates, off-curve points, points outside the
prime-order subgroup — raise :class:`InvalidPoint` on all of them.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drand_edu.crypto import (
    G1,
    G2,
    available_backends,
    bls,
    pairing,
    pairing_check,
    scheme_by_id,
    use_backend,
)
from drand_edu.crypto.constants import CURVE_ORDER, FIELD_MODULUS
from drand_edu.crypto.schemes import DST_G1, DST_G2, SCHEMES
from drand_edu.errors import InvalidInput, InvalidPoint, InvalidSignature, UnknownScheme

from .conftest import load_vector

BACKENDS = tuple(available_backends())
scalars = st.integers(min_value=1, max_value=CURVE_ORDER - 1)
slow = settings(max_examples=6, deadline=None)  # py_ecc: ~10-250 ms per operation


def on_every(compute):
    """``compute()`` evaluated under each installed backend; the results as a tuple."""
    results = []
    for name in BACKENDS:
        with use_backend(name):
            results.append(compute())
    return tuple(results)


# -- both backends, byte for byte ----------------------------------------------------------------
@slow
@given(a=scalars, b=scalars)
def test_scalar_multiplication_and_addition_agree(a: int, b: int) -> None:
    for group in (G1, G2):
        results = on_every(lambda g=group: (g.generator() * a + g.generator() * b).to_bytes())
        assert len(set(results)) == 1
        assert results[0] == on_every(lambda g=group: (g.generator() * ((a + b) % CURVE_ORDER)).to_bytes())[0]


@slow
@given(message=st.binary(max_size=64))
def test_hash_to_curve_agrees_for_every_dst(message: bytes) -> None:
    for group in (G1, G2):
        for dst in (DST_G1, DST_G2):
            hashed = on_every(lambda g=group, d=dst: g.hash_to_curve(message, d).to_bytes())
            assert len(set(hashed)) == 1


@settings(max_examples=3, deadline=None)
@given(secret=scalars, round_number=st.integers(min_value=1, max_value=2**40))
def test_signatures_agree_on_every_scheme(secret: int, round_number: int) -> None:
    for scheme in SCHEMES.values():
        message = scheme.digest(round_number, b"\x01" * scheme.signature_size)
        signatures = on_every(lambda s=scheme, m=message: bls.sign(s, secret, m))
        assert len(set(signatures)) == 1
        public = bls.public_key(scheme, secret)
        with use_backend("arkworks"):
            assert bls.verify(scheme, public, message, signatures[0])


def test_point_round_trips_through_bytes_on_both_backends(backend: str) -> None:
    for group in (G1, G2):
        point = group.generator() * 123456789
        assert group.from_bytes(point.to_bytes()) == point
        assert group.from_hex(point.hex()) == point
        assert len(point.to_bytes()) == group.size


def test_pairing_is_bilinear(backend: str) -> None:
    a, b = 5, 7
    p, q = G1.generator(), G2.generator()
    # e(aP, bQ) · e(-abP, Q) = 1
    assert pairing_check([(p * a, q * b), (-(p * (a * b)), q)])
    assert not pairing_check([(p * a, q * b), (-(p * (a * b + 1)), q)])


def test_gt_products_follow_bilinearity(backend: str) -> None:
    """e(P, Q)·e(P, Q) = e(P, 2Q) = e(2P, Q): the GT product is the group operation on both backends."""
    p, q = G1.generator(), G2.generator()
    base = pairing(p, q)
    assert base * base == pairing(p, q * 2) == pairing(p * 2, q)
    assert base * base * base != pairing(p, q * 2)


def test_msm_equals_the_sum_of_products() -> None:
    points = [G1.generator() * k for k in (3, 5, 11)]
    scalars_ = [2, 10**30, CURVE_ORDER - 1]
    expected = G1.identity()
    for point, scalar in zip(points, scalars_, strict=True):
        expected = expected + point * scalar
    assert G1.msm(points, scalars_) == expected


# -- encodings and their errors ------------------------------------------------------------------
def test_infinity_has_one_canonical_encoding(backend: str) -> None:
    for group in (G1, G2):
        encoded = group.identity().to_bytes()
        assert encoded == bytes([0xC0]) + bytes(group.size - 1)
        assert group.from_bytes(encoded).is_identity()
        with pytest.raises(InvalidPoint, match="infinity"):
            group.from_bytes(bytes([0xE0]) + bytes(group.size - 1))  # sort flag on infinity
        with pytest.raises(InvalidPoint, match="infinity"):
            group.from_bytes(bytes([0xC0]) + bytes(group.size - 2) + b"\x01")


@pytest.mark.parametrize("group", [G1, G2], ids=["G1", "G2"])
def test_bad_lengths_and_flags_are_rejected(backend: str, group) -> None:
    good = (group.generator() * 99).to_bytes()
    with pytest.raises(InvalidPoint, match="expected"):
        group.from_bytes(good[:-1])
    with pytest.raises(InvalidPoint, match="expected"):
        group.from_bytes(good + b"\x00")
    with pytest.raises(InvalidPoint, match="compression flag"):
        group.from_bytes(bytes([good[0] & 0x7F]) + good[1:])
    non_canonical = (FIELD_MODULUS + 1).to_bytes(48, "big")
    with pytest.raises(InvalidPoint, match="not reduced"):
        group.from_bytes(bytes([non_canonical[0] | 0x80]) + non_canonical[1:] + bytes(group.size - 48))
    with pytest.raises(InvalidInput):
        group.from_hex("zz" * group.size)


def _g1_x_values(want_square: bool, count: int) -> list[int]:
    """x coordinates for which x³ + 4 is (or is not) a square mod p: on / off the curve y² = x³ + 4."""
    found = []
    x = 1
    while len(found) < count:
        rhs = (x**3 + 4) % FIELD_MODULUS
        is_square = pow(rhs, (FIELD_MODULUS - 1) // 2, FIELD_MODULUS) == 1
        if is_square == want_square:
            found.append(x)
        x += 1
    return found


def _compressed_g1(x: int) -> bytes:
    encoded = bytearray(x.to_bytes(48, "big"))
    encoded[0] |= 0x80
    return bytes(encoded)


def test_g1_point_off_the_curve_is_rejected(backend: str) -> None:
    for x in _g1_x_values(want_square=False, count=3):
        with pytest.raises(InvalidPoint):
            G1.from_bytes(_compressed_g1(x))


def test_g1_point_outside_the_subgroup_is_rejected(backend: str) -> None:
    """Points of E(Fp) with small x are almost never in the order-r subgroup (the cofactor is ~2^126)."""
    for x in _g1_x_values(want_square=True, count=3):
        with pytest.raises(InvalidPoint, match="subgroup"):
            G1.from_bytes(_compressed_g1(x))


def test_g2_point_outside_the_subgroup_is_rejected(backend: str) -> None:
    """A point on the twist E'(Fp²) that is not in G2: py_ecc decompresses it, our check must refuse it."""
    from py_ecc.bls.point_compression import compress_G2, modular_squareroot_in_FQ2
    from py_ecc.fields import optimized_bls12_381_FQ2 as FQ2
    from py_ecc.optimized_bls12_381 import b2, curve_order, is_on_curve, multiply

    for k in range(1, 50):
        x = FQ2([k, 1])
        y = modular_squareroot_in_FQ2(x**3 + b2)
        if y is None:
            continue
        point = (x, y, FQ2.one())
        assert is_on_curve(point, b2)
        if multiply(point, curve_order) == (FQ2.one(), FQ2.one(), FQ2.zero()):
            continue  # (astronomically unlikely) it is in the subgroup
        z1, z2 = compress_G2(point)
        encoded = z1.to_bytes(48, "big") + z2.to_bytes(48, "big")
        with pytest.raises(InvalidPoint, match="subgroup"):
            G2.from_bytes(encoded)
        return
    pytest.fail("no twist point found for small x")


def test_tampered_signature_bytes_fail_cleanly(backend: str) -> None:
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    keys = bls.keygen(scheme, rng=__import__("random").Random(7))
    message = scheme.digest(42)
    signature = bls.sign(scheme, keys.secret, message)
    for position in (0, 1, 20, 47):
        flipped = bytearray(signature)
        flipped[position] ^= 0x04
        assert not bls.verify(scheme, keys.public, message, bytes(flipped))
    with pytest.raises((InvalidSignature, InvalidPoint)):
        bls.verify_or_raise(scheme, keys.public, message, signature[:-1])


# -- schemes ---------------------------------------------------------------------------------------
def test_the_five_schemes_and_their_groups() -> None:
    expected = {
        "pedersen-bls-chained": ("G1", "G2", DST_G2, True),
        "pedersen-bls-unchained": ("G1", "G2", DST_G2, False),
        "bls-unchained-on-g1": ("G2", "G1", DST_G2, False),  # the kept DST bug: G1 signatures, G2 DST
        "bls-unchained-g1-rfc9380": ("G2", "G1", DST_G1, False),
        "bls-bn254-unchained-on-g1": ("G2", "G1", b"BLS_SIG_BN254G1_XMD:KECCAK-256_SVDW_RO_NUL_", False),
    }
    assert set(SCHEMES) == set(expected)
    for scheme_id, (key, sig, dst, chained) in expected.items():
        scheme = scheme_by_id(scheme_id)
        got = (scheme.key_group.name, scheme.sig_group.name, scheme.dst, scheme.chained)
        assert got == (key, sig, dst, chained)
    assert DST_G1 == b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"
    assert DST_G2 == b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"
    with pytest.raises(UnknownScheme, match="known schemes"):
        scheme_by_id("bls-on-g3")


def test_digests_follow_drand() -> None:
    previous = bytes(range(96))
    chained = scheme_by_id("pedersen-bls-chained")
    unchained = scheme_by_id("bls-unchained-g1-rfc9380")
    round_be = (1234).to_bytes(8, "big")
    assert chained.digest(1234, previous) == hashlib.sha256(previous + round_be).digest()
    assert unchained.digest(1234) == hashlib.sha256(round_be).digest()
    assert unchained.digest(1234, previous) == unchained.digest(1234)  # unchained ignores it


def test_the_g1_dst_bug_matters() -> None:
    """Same message, same group, two DSTs: different points; a signature under one fails the other."""
    on_g1, rfc = scheme_by_id("bls-unchained-on-g1"), scheme_by_id("bls-unchained-g1-rfc9380")
    message = rfc.digest(1)
    assert bls.hash_message(on_g1, message) != bls.hash_message(rfc, message)
    keys = bls.keygen(rfc, rng=__import__("random").Random(1))
    signature = bls.sign(on_g1, keys.secret, message)
    assert bls.verify(on_g1, keys.public, message, signature)
    assert not bls.verify(rfc, keys.public, message, signature)


def test_real_beacons_of_every_scheme_verify(backend: str) -> None:
    for vector in load_vector("scheme-beacons.json")["beacons"]:
        scheme = scheme_by_id(vector["scheme"])
        previous = bytes.fromhex(vector.get("previous_signature", ""))
        message = scheme.digest(vector["round"], previous)
        signature = bytes.fromhex(vector["signature"])
        public = bytes.fromhex(vector["public_key"])
        assert bls.verify(scheme, public, message, signature), vector["scheme"]
        assert not bls.verify(scheme, public, scheme.digest(vector["round"] + 1, previous), signature)
        assert hashlib.sha256(signature).hexdigest() == vector["randomness"]
