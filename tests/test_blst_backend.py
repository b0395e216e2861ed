"""The blst backend gives the same bytes as py_ecc and arkworks, and refuses the same inputs the same way.

blst's bindings lack a multi-scalar multiplication (ours is Pippenger on top of blst's addition), a
pairing check of many pairs (built from Miller loops and ``final_verify``) and any way to read a GT
value (arkworks does those): each of these is compared here with the other backends.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drand_edu.chain import Beacon, ChainInfo, verify_beacon
from drand_edu.crypto import G1, G2, available_backends, pairing, pairing_check, use_backend
from drand_edu.crypto.backend import get_backend
from drand_edu.crypto.constants import CURVE_ORDER
from drand_edu.crypto.schemes import DST_G1, DST_G2
from drand_edu.errors import InvalidPoint
from drand_edu.rng import seeded_rng
from drand_edu.tlock import timelock

from .conftest import load_vector

pytest.importorskip("pyblst")
FAST = ("blst", "arkworks")  # py_ecc is compared where it is quick enough (few, small cases)
scalars = st.integers(min_value=0, max_value=CURVE_ORDER - 1)


def on(names, compute):
    results = []
    for name in names:
        with use_backend(name):
            results.append(compute())
    return results


def test_blst_is_the_default_when_installed() -> None:
    assert available_backends()[0] == "blst"


@settings(max_examples=25, deadline=None)
@given(message=st.binary(max_size=200))
def test_hash_to_curve_with_both_dsts(message: bytes) -> None:
    for group in (G1, G2):
        for dst in (DST_G1, DST_G2):
            got = on(FAST, lambda g=group, d=dst: g.hash_to_curve(message, d).to_bytes())
            assert got[0] == got[1]


def test_hash_to_curve_matches_py_ecc() -> None:
    for group in (G1, G2):
        for dst in (DST_G1, DST_G2):
            got = on(("blst", "py_ecc"), lambda g=group, d=dst: g.hash_to_curve(b"drand", d).to_bytes())
            assert got[0] == got[1]


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_msm_agrees_for_few_and_many_points(data) -> None:
    """Few points go one multiplication each, many go through Pippenger's buckets: both agree."""
    count = data.draw(st.sampled_from([0, 1, 2, 5, 40, 150]))
    bits = data.draw(st.sampled_from([1, 8, 128, 255]))
    rng = seeded_rng(data.draw(st.integers(0, 2**32)))
    for group in (G1, G2):
        points = [group.generator() * rng.randrange(CURVE_ORDER) for _ in range(count)]
        weights = [rng.getrandbits(bits) % CURVE_ORDER for _ in range(count)]
        got = on(FAST, lambda g=group, p=points, w=weights: g.msm(p, w).to_bytes())
        assert got[0] == got[1]


def test_msm_with_repeated_points_and_zero_scalars() -> None:
    point = G2.generator() * 7
    points, weights = [point] * 100, [0, 1, CURVE_ORDER - 1] * 33 + [5]
    got = on(FAST, lambda: G2.msm(points, weights).to_bytes())
    assert got[0] == got[1]


@settings(max_examples=25, deadline=None)
@given(a=scalars, b=scalars)
def test_add_mul_compress_agree(a: int, b: int) -> None:
    for group in (G1, G2):
        got = on(FAST, lambda g=group: (g.generator() * a - g.generator() * b).to_bytes())
        assert got[0] == got[1]
        with use_backend("blst"):
            assert group.from_bytes(got[0]).to_bytes() == got[0]


@settings(max_examples=15, deadline=None)
@given(a=scalars, b=scalars)
def test_pairing_check_agrees(a: int, b: int) -> None:
    p, q = G1.generator(), G2.generator()
    equations = [
        [(p * a, q * b), (-(p * (a * b)), q)],
        [(p * a, q * b), (-(p * (a * b + 1)), q)],
        [(p * a, q)],
        [(p * a, q), (p * b, q), (-(p * (a + b)), q)],
        [],
    ]
    for pairs in equations:
        assert on(("blst", "arkworks"), lambda ps=pairs: pairing_check(ps)) in ([True, True], [False, False])


def test_gt_bytes_are_the_same_on_every_backend() -> None:
    """tlock hashes e(P, Q) as 576 bytes: blst (through arkworks) gives what py_ecc gives."""
    p, q = G1.generator() * 11, G2.generator() * 13
    got = on(available_backends(), lambda: (pairing(p, q) * pairing(p, q)).to_bytes())
    assert len(set(got)) == 1 and len(got[0]) == 576


# -- invalid encodings: the same error, with the same words --------------------------------------
def _invalid_encodings():
    from .test_crypto_primitives import _compressed_g1, _g1_x_values

    good1, good2 = (G1.generator() * 99).to_bytes(), (G2.generator() * 99).to_bytes()
    yield "G1", good1[:-1]
    yield "G2", good2 + b"\x00"
    yield "G1", bytes([good1[0] & 0x7F]) + good1[1:]
    yield "G1", bytes([0xE0]) + bytes(47)
    yield "G2", bytes([0xC0]) + bytes(94) + b"\x01"
    yield "G1", b"\x9f" + b"\xff" * 47  # x ≥ p
    for x in _g1_x_values(want_square=False, count=2):
        yield "G1", _compressed_g1(x)  # off the curve
    for x in _g1_x_values(want_square=True, count=2):
        yield "G1", _compressed_g1(x)  # on the curve, outside the subgroup
    yield "G2", bytes([0x80]) + bytes(94) + b"\x05"  # x = 5 (in Fp2): off the twist or outside G2


@pytest.mark.parametrize("case", list(range(11)))
def test_invalid_encodings_raise_invalid_point_alike(case: int) -> None:
    group, data = list(_invalid_encodings())[case]
    messages = []
    for name in available_backends():
        with pytest.raises(InvalidPoint) as error:
            get_backend(name).decompress(group, data)
        messages.append(str(error.value).split(" (")[0])
    assert len(set(messages)) == 1, messages


# -- real data --------------------------------------------------------------------------------------
@pytest.mark.parametrize("vector", ["beacons-mainnet-default.json", "beacons-quicknet.json"])
def test_real_beacons_verify_on_blst(vector: str) -> None:
    real = load_vector(vector)
    info = ChainInfo.from_json(real["info"])
    with use_backend("blst"):
        for item in real["beacons"]:
            verify_beacon(info, Beacon.from_json(item))


def test_real_tlock_ciphertext_decrypts_on_blst() -> None:
    vector = load_vector("tlock-quicknet-go-r12040883.json")
    info = ChainInfo.from_json(load_vector("beacons-quicknet.json")["info"])
    beacon = Beacon(vector["round"], bytes.fromhex(vector["signature"]))
    with use_backend("blst"):
        assert timelock.decrypt(vector["ciphertext"], info, lambda r: beacon) == b"hello world"
