"""BN254 in the crypto layer: every step of drand's hash-to-G1, the encodings, the real evmnet beacons.

The vectors come from outside this project: kyber's ``pairing/bn254`` tests (themselves from the
bls-bn254 Solidity/TypeScript code and the hash-to-curve draft's sage scripts), evmnet's real beacon
and drand's own scheme-test beacons (``tests/data/README.md``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from drand_edu import use_backend
from drand_edu.crypto import bls, bn254
from drand_edu.crypto.backend import available_backends, backend_curves, current_backend
from drand_edu.crypto.constants import BLS12_381, BN254, BN254_CURVE_ORDER
from drand_edu.crypto.groups import BN254_G1, BN254_G2, G1, pairing_check
from drand_edu.crypto.schemes import BLS_BN254_UNCHAINED_ON_G1 as SCHEME
from drand_edu.crypto.schemes import DST_BN254_G1
from drand_edu.errors import InvalidInput, InvalidPoint

DATA = Path(__file__).parent / "data"
KYBER = json.loads((DATA / "bn254-kyber-vectors.json").read_text())
EVMNET = json.loads((DATA / "beacons-evmnet.json").read_text())
P = bn254.P


# -- Keccak and the SvdW constants -----------------------------------------------------------------
def test_keccak256_is_ethereums_not_nist_sha3() -> None:
    # keccak256("") as every Ethereum tool prints it
    assert bn254.keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert bn254.keccak256(b"") != hashlib.sha3_256(b"").digest()


def test_svdw_constants_equal_kybers() -> None:
    for name in ("c1", "c2", "c3", "c4"):
        words = [int(w, 16) for w in KYBER["svdw_constants_montgomery"][name]]
        montgomery = sum(w << (64 * i) for i, w in enumerate(words))
        assert montgomery * pow(2**256, -1, P) % P == getattr(bn254, name.upper())


# -- each step of hash-to-G1 ------------------------------------------------------------------------
def test_expand_message_xmd_keccak() -> None:
    case = KYBER["expand_message"]
    out = bn254.expand_message_xmd(bytes.fromhex(case["msg"]), case["dst"].encode(), case["length"])
    assert out.hex() == case["expanded"]


def test_hash_to_field() -> None:
    dst = KYBER["hash_to_field"]["dst"].encode()
    for case in KYBER["hash_to_field"]["cases"]:
        u0, u1 = bn254.hash_to_field(bytes.fromhex(case["msg"]), dst)
        assert (u0, u1) == (int(case["u0"], 16), int(case["u1"], 16))


def test_map_to_curve_svdw() -> None:
    for case in KYBER["map_to_point"]["cases"]:
        assert bn254.map_to_curve_svdw(int(case["u"])) == (int(case["x"]), int(case["y"]))


def test_hash_to_g1_on_every_backend() -> None:
    dst = KYBER["hash_to_point"]["dst"].encode()
    for case in KYBER["hash_to_point"]["cases"]:
        msg = case["msg_utf8"].encode() if "msg_utf8" in case else bytes.fromhex(case["msg_hex"])
        assert bn254.encode_g1(bn254.hash_to_g1(msg, dst)).hex() == case["point"]
        for name in available_backends(BN254):
            with use_backend(name):
                assert BN254_G1.hash_to_curve(msg, dst).hex() == case["point"]


def test_hash_to_g2_is_refused() -> None:
    with pytest.raises(InvalidInput):
        BN254_G2.hash_to_curve(b"x", DST_BN254_G1)


# -- the scheme on real beacons -------------------------------------------------------------------
def test_scheme_constants_as_drand_sets_them() -> None:
    assert SCHEME.id == "bls-bn254-unchained-on-g1"
    assert SCHEME.dst == b"BLS_SIG_BN254G1_XMD:KECCAK-256_SVDW_RO_NUL_"
    assert (SCHEME.key_group, SCHEME.sig_group, SCHEME.chained) == (BN254_G2, BN254_G1, False)
    assert (SCHEME.public_key_size, SCHEME.signature_size, SCHEME.compressed) == (128, 64, False)
    assert SCHEME.digest(6390578) == bn254.keccak256((6390578).to_bytes(8, "big"))
    assert SCHEME.digest(5, b"ignored") == SCHEME.digest(5)  # unchained


def _evmnet_cases() -> list[tuple[int, bytes, bytes]]:
    key = bytes.fromhex(EVMNET["info"]["public_key"])
    cases = [(b["round"], key, bytes.fromhex(b["signature"])) for b in EVMNET["beacons"]]
    for b in EVMNET["test_beacons"]:
        cases.append((b["round"], bytes.fromhex(b["public_key"]), bytes.fromhex(b["signature"])))
    return cases


@pytest.mark.parametrize("case", _evmnet_cases(), ids=lambda c: f"round-{c[0]}")
def test_real_beacons_verify_and_tampered_do_not(case: tuple[int, bytes, bytes]) -> None:
    round_number, key, signature = case
    assert bls.verify(SCHEME, key, SCHEME.digest(round_number), signature)
    assert not bls.verify(SCHEME, key, SCHEME.digest(round_number + 1), signature)


def test_evmnet_randomness_is_sha256_of_the_signature() -> None:
    beacon = EVMNET["beacons"][0]
    assert hashlib.sha256(bytes.fromhex(beacon["signature"])).hexdigest() == beacon["randomness"]


def test_a_tampered_signature_is_rejected_as_a_point_or_as_a_signature() -> None:
    beacon = EVMNET["beacons"][0]
    key = bytes.fromhex(EVMNET["info"]["public_key"])
    signature = bytearray.fromhex(beacon["signature"])
    signature[-1] ^= 1  # y changes: off the curve
    with pytest.raises(InvalidPoint):
        bls.verify_or_raise(SCHEME, key, SCHEME.digest(beacon["round"]), bytes(signature))
    assert not bls.verify(SCHEME, key, SCHEME.digest(beacon["round"]), bytes(signature))
    negated = BN254_G1.from_bytes(bytes.fromhex(beacon["signature"])) * -1  # on the curve, wrong
    assert not bls.verify(SCHEME, key, SCHEME.digest(beacon["round"]), negated.to_bytes())


# -- encodings ------------------------------------------------------------------------------------
def test_generators_encode_as_the_evm_precompiles_write_them() -> None:
    g1 = BN254_G1.generator().to_bytes()
    assert g1 == (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    g2 = BN254_G2.generator().to_bytes()
    # EIP-197's G2 generator, imaginary part first
    assert g2[:32].hex() == "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    assert g2[32:64].hex() == "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    assert BN254_G1.identity().to_bytes() == bytes(64)
    assert BN254_G2.identity().to_bytes() == bytes(128)
    assert BN254_G2.from_bytes(bytes(128)).is_identity()


def test_round_trips_and_arithmetic() -> None:
    for group in (BN254_G1, BN254_G2):
        point = group.generator() * 123456789
        assert group.from_bytes(point.to_bytes()) == point
        assert point + (-point) == group.identity()
        assert group.generator() * (BN254_CURVE_ORDER + 5) == group.generator() * 5
        assert group.msm([group.generator(), point], [2, 3]) == group.generator() * (2 + 3 * 123456789)
    assert repr(BN254_G1.generator()).startswith("BN254.G1Point(")
    assert BN254_G1.other() is BN254_G2 and BN254_G2.other() is BN254_G1


def test_bad_encodings_raise_invalid_point() -> None:
    good1 = BN254_G1.generator().to_bytes()
    good2 = BN254_G2.generator().to_bytes()
    p_bytes = P.to_bytes(32, "big")
    bad = {
        BN254_G1: [
            good1[:-1], good1 + b"\x00", p_bytes + good1[32:],
            good1[:32] + (2 + P).to_bytes(32, "big"), good1[:32] + (3).to_bytes(32, "big"),
        ],
        BN254_G2: [good2[:-1], p_bytes + good2[32:], good2[:96] + bytes(32), bytes(127) + b"\x01"],
    }
    for group, cases in bad.items():
        for data in cases:
            with pytest.raises(InvalidPoint):
                group.from_bytes(data)


def _fp2_sqrt(a):
    """A square root in Fp2 for p = 3 mod 4 (Adj and Rodriguez-Henriquez, algorithm 9), or None."""
    from py_ecc.fields import optimized_bn128_FQ2 as FQ2

    a1 = a ** ((P - 3) // 4)
    alpha = a1 * a1 * a
    x0 = a1 * a
    if alpha == FQ2([P - 1, 0]):
        root = FQ2([0, 1]) * x0
    else:
        root = (FQ2.one() + alpha) ** ((P - 1) // 2) * x0
    return root if root * root == a else None


def test_g2_points_off_the_subgroup_are_rejected() -> None:
    # A point on the twist y^2 = x^3 + 3/(9+i) outside the order-r subgroup (the twist's cofactor
    # is about 2^254, so nearly every point of the twist is one): kyber's IsOnCurve checks this too.
    from py_ecc.fields import optimized_bn128_FQ2 as FQ2
    from py_ecc.optimized_bn128 import b2, curve_order, is_inf, multiply

    for k in range(1, 50):
        x = FQ2([k, 1])
        y = _fp2_sqrt(x**3 + b2)
        if y is None:
            continue
        assert not is_inf(multiply((x, y, FQ2.one()), curve_order))
        data = bn254.encode_g2(((k, 1), (int(y.coeffs[0]), int(y.coeffs[1]))))
        with pytest.raises(InvalidPoint, match="subgroup"):
            BN254_G2.from_bytes(data)
        return
    pytest.fail("no twist point found")


def test_points_of_two_curves_do_not_mix() -> None:
    with pytest.raises(InvalidInput):
        _ = BN254_G1.generator() + G1.generator()
    assert BN254_G1.generator() != G1.generator()
    with pytest.raises(InvalidInput):
        pairing_check([(G1.generator(), BN254_G2.generator())])


def test_one_switch_for_both_curves() -> None:
    assert set(backend_curves("py_ecc")) == {BLS12_381, BN254}
    assert "py_ecc" in available_backends(BN254)
    with use_backend("py_ecc"):
        assert current_backend(BN254).curve == BN254 and current_backend(BN254).name == "py_ecc"
        assert current_backend(BLS12_381).name == "py_ecc"
    if "arkworks" in available_backends():
        with use_backend("arkworks"):  # BLS12-381 only: BN254 keeps its backend
            assert current_backend(BLS12_381).name == "arkworks"
            assert current_backend(BN254).name == "py_ecc"
