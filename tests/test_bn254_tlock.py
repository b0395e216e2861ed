"""tlock on evmnet (``bls-bn254-unchained-on-g1``): GT bytes in kyber's order, Keccak H2-H4, round trips.

Byte-compatibility with Go end to end is shown in tests/test_ref_tlock.py (Go's side run by
tests/drandref, with a Go-made evmnet ciphertext in tests/data/tlock-evmnet-go-r6390578.json). What is
checked here, without Go, each against something not written here where possible:

* GT's byte layout against kyber's own definitions (``gfP12.SetOne`` lands on the last coordinate;
  the tower rules ``i² = -1``, ``τ³ = i + 9``, ``ω² = τ`` hold for our map);
* e(G1, G2) against its published value (sdiehl/elliptic-curve, in tests/data/bn254-gt-vectors.json);
* the pairing value against npm's noble-curves (the BN254 code inside drand-client), after raising
  ours to the power by which noble's final exponentiation differs from the standard one;
* kyber's ``finalExponentiation`` addition chain, transcribed as exponent arithmetic, is exactly
  ``(p^4 - p^2 + 1)/r`` (so kyber, like py_ecc, computes the standard pairing);
* H3 by its spec rule (Keccak-256, two bits masked, below r);
* round trips on a simulated chain and on the real evmnet key with its real beacon.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.cli import main
from drand_edu.crypto import bls, bn254, scheme_by_id
from drand_edu.crypto.backend import available_backends, use_backend
from drand_edu.crypto.constants import BN254_CURVE_ORDER, BN254_FIELD_MODULUS
from drand_edu.crypto.groups import BN254_G1, BN254_G2, pairing
from drand_edu.errors import InvalidBeacon, InvalidCiphertext, InvalidPoint, TimelockError
from drand_edu.rng import seeded_rng
from drand_edu.tlock import age, ibe, timelock

from .conftest import load_vector
from .npm import JS_DIR, ensure_npm_packages

SCHEME = scheme_by_id("bls-bn254-unchained-on-g1")
EVMNET = load_vector("beacons-evmnet.json")
OURS = load_vector("tlock-evmnet-ours-r6390578.json")
P, R = BN254_FIELD_MODULUS, BN254_CURVE_ORDER
U_PARAM = 4965661367192848881  # BN254's u: p = 36u^4 + 36u^3 + 24u^2 + 6u + 1
#: noble-curves' BN254 final exponentiation is the standard one to this power (see the exponent test)
NOBLE_POWER = 2 * U_PARAM * (6 * U_PARAM**2 + 3 * U_PARAM + 1)


def _evmnet() -> tuple[ChainInfo, Beacon]:
    beacon = EVMNET["beacons"][0]
    return ChainInfo.from_json(EVMNET["info"]), Beacon(beacon["round"], bytes.fromhex(beacon["signature"]))


def _simulated(seed: int = 11) -> tuple[ChainInfo, int]:
    keys = bls.keygen(SCHEME, rng=seeded_rng(seed))
    return ChainInfo(keys.public.to_bytes(), 3, 1_700_000_000, b"seed", SCHEME, "teaching"), keys.secret


def _beacon(info: ChainInfo, secret: int, round_number: int) -> Beacon:
    return Beacon(round_number, bls.sign(info.scheme, secret, info.scheme.digest(round_number)))


# -- GT bytes ------------------------------------------------------------------------------------------
def test_gt_one_is_kyber_set_one() -> None:
    """kyber's ``gfP12.SetOne`` sets ``y.z.y = 1`` (y, z and y again being the '1' parts), which
    ``pointGT.MarshalBinary`` writes last: 352 zero bytes, then 1."""
    one = bn254.gt_to_kyber_bytes([1] + [0] * 11)
    assert len(one) == bn254.GT_SIZE == 384
    assert one == bytes(383) + b"\x01"
    assert pairing(BN254_G1.identity(), BN254_G2.generator()).to_bytes() == one


def test_pairing_of_the_generators_is_the_published_value() -> None:
    """e(G1, G2), as sdiehl/elliptic-curve (Haskell) lists BN254's GT generator, c0 first in the same
    tower as kyber's; kyber writes these coordinates in exactly the reverse order."""
    vector = load_vector("bn254-gt-vectors.json")
    expected = b"".join(bytes.fromhex(c) for c in reversed(vector["pairing_g1_g2_c0_first"]))
    ours = pairing(BN254_G1.generator(), BN254_G2.generator()).to_bytes()
    assert ours == expected
    assert pairing(BN254_G1.generator() * 2, BN254_G2.generator()).to_bytes() != expected


def _tower(flat: list[int]) -> list[list[list[int]]]:
    """Our bytes read back as kyber's nested tower ``[x, y]`` of ``[x, y, z]`` of ``[x, y]``."""
    coords = [int.from_bytes(bn254.gt_to_kyber_bytes(flat)[i : i + 32], "big") for i in range(0, 384, 32)]
    return [[coords[6 * a + 2 * b : 6 * a + 2 * b + 2] for b in range(3)] for a in range(2)]


def _fp2_mul(a: list[int], b: list[int]) -> list[int]:  # (x i + y)(x' i + y'), i² = -1
    return [(a[0] * b[1] + a[1] * b[0]) % P, (a[1] * b[1] - a[0] * b[0]) % P]


def _fp2_add(*terms: list[int]) -> list[int]:
    return [sum(t[0] for t in terms) % P, sum(t[1] for t in terms) % P]


def _xi(a: list[int]) -> list[int]:  # multiply by ξ = i + 9
    return _fp2_mul(a, [1, 9])


def _fp6_mul(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    """(x τ² + y τ + z)(x' τ² + y' τ + z') with τ³ = ξ, by schoolbook (not kyber's formulas)."""
    (ax, ay, az), (bx, by, bz) = a, b
    t4 = _fp2_mul(ax, bx)  # τ^4 = ξ τ
    t3 = _fp2_add(_fp2_mul(ax, by), _fp2_mul(ay, bx))  # τ^3 = ξ
    t2 = _fp2_add(_fp2_mul(ax, bz), _fp2_mul(ay, by), _fp2_mul(az, bx))
    t1 = _fp2_add(_fp2_mul(ay, bz), _fp2_mul(az, by))
    t0 = _fp2_mul(az, bz)
    return [t2, _fp2_add(t1, _xi(t4)), _fp2_add(t0, _xi(t3))]


def _fp12_mul(a: list, b: list) -> list:
    """(x ω + y)(x' ω + y') with ω² = τ: multiplying by τ shifts (x, y, z) to (y, z, ξ x)."""
    xx, xy, yx, yy = _fp6_mul(a[0], b[0]), _fp6_mul(a[0], b[1]), _fp6_mul(a[1], b[0]), _fp6_mul(a[1], b[1])
    tau_xx = [xx[1], xx[2], _xi(xx[0])]
    omega_part = [_fp2_add(u, v) for u, v in zip(xy, yx, strict=True)]
    return [omega_part, [_fp2_add(u, v) for u, v in zip(yy, tau_xx, strict=True)]]


@given(st.lists(st.integers(0, P - 1), min_size=24, max_size=24))
@settings(max_examples=25, deadline=None)
def test_our_gt_layout_is_a_ring_map_into_kyber_tower(coefficients: list[int]) -> None:
    """Multiplying in py_ecc's flat Fp12 and then writing kyber's bytes equals writing both factors in
    kyber's layout and multiplying with kyber's tower rules (i² = -1, τ³ = i + 9, ω² = τ)."""
    from py_ecc.optimized_bn128 import FQ12

    a, b = coefficients[:12], coefficients[12:]
    product = (FQ12(a) * FQ12(b)).coeffs
    assert _tower(list(product)) == _fp12_mul(_tower(a), _tower(b))
    assert bn254.gt_from_kyber_bytes(bn254.gt_to_kyber_bytes(a)) == a


def test_gt_decoding_rejects_bad_encodings() -> None:
    with pytest.raises(InvalidPoint):
        bn254.gt_from_kyber_bytes(bytes(383))
    with pytest.raises(InvalidPoint, match="non-canonical"):
        bn254.gt_from_kyber_bytes(P.to_bytes(32, "big") + bytes(352))


def test_kyber_final_exponentiation_is_the_standard_exponent() -> None:
    """kyber's ``finalExponentiation`` (pairing/bn254/optate.go), the hard part written as what each
    line does to the exponent of ``t1`` (Frobenius: ·p, Exp(u): ·u, conjugate: ·-1, Mul: +,
    Square: ·2). It comes to exactly (p^4 - p^2 + 1)/r: kyber's GT element is the standard pairing,
    the one py_ecc computes with a plain ``f^((p^12-1)/r)``. noble's chain comes to NOBLE_POWER times it."""
    u, p = U_PARAM, P
    fp, fp2, fp3 = p, p * p, p**3
    fu, fu2, fu3 = u, u * u, u**3
    y3, fu2p, fu3p, y2 = -(fu * p), fu2 * p, fu3 * p, fu2 * p * p
    y0, y1, y5 = fp + fp2 + fp3, -1, -fu2
    y4, y6 = -(fu + fu2p), -(fu3 + fu3p)
    t0 = 2 * y6 + y4 + y5
    t1 = y3 + y5 + t0
    t0 = t0 + y2
    t1 = 2 * (2 * t1 + t0)
    t0 = t1 + y1
    t1 = t1 + y0
    kyber = 2 * t0 + t1
    phi12 = p**4 - p**2 + 1
    assert phi12 % R == 0 and (kyber - phi12 // R) % phi12 == 0
    # noble-curves 1.9 (bn254.js, Fp12finalExponentiate), the same treatment
    m1 = -2 * u
    m2 = 3 * m1
    m4 = -u * m2
    m6 = -u * (2 * m4)
    m8 = -m6 + m4 - m2
    m9 = m8 + m1
    noble = p**3 * (m9 - 1) + p**2 * m8 + p * m9 + (m8 + m4 + 1)
    assert (noble - NOBLE_POWER * (phi12 // R)) % phi12 == 0


@pytest.mark.npm
def test_pairing_matches_noble_curves() -> None:
    """e(aG1, bG2) from npm's @noble/curves (drand-client's BN254 code) in kyber's order, against ours."""
    node = ensure_npm_packages()
    cases = [(1, 1), (5, 7), (2**200 + 3, R - 2)]
    out = subprocess.run(
        [node, str(JS_DIR / "bn254_pairing.mjs"), *(str(v) for case in cases for v in case)],
        capture_output=True, text=True, timeout=120, check=True, cwd=JS_DIR,
    ).stdout.split()
    assert len(out) == len(cases)
    for (a, b), theirs in zip(cases, out, strict=True):
        ours = pairing(BN254_G1.generator() * a, BN254_G2.generator() * b)
        powered = bn254.gt_to_kyber_bytes((ours._raw**NOBLE_POWER).coeffs)
        assert powered.hex() == theirs
        assert ours.to_bytes().hex() != theirs  # noble's power is not 1: the comparison can fail


# -- IBE -----------------------------------------------------------------------------------------------
def test_identity_is_the_keccak_digest() -> None:
    assert ibe.identity(6390578, SCHEME) == bn254.keccak256((6390578).to_bytes(8, "big"))
    assert ibe.identity(6390578, SCHEME) != ibe.identity(6390578)


def test_h2_h3_h4_use_keccak_and_mask_two_bits() -> None:
    sigma, message = b"s" * 16, b"m" * 16
    assert ibe.h4(sigma, 16, SCHEME) == bn254.keccak256(b"IBE-H4" + sigma)[:16]
    assert ibe.h2(b"g" * 384, 16, SCHEME) == bn254.keccak256(b"IBE-H2" + b"g" * 384)[:16]
    h = bn254.keccak256(b"IBE-H3" + sigma + message)
    for i in range(1, 100):
        d = bytearray(bn254.keccak256(i.to_bytes(2, "little") + h))
        d[0] >>= 2
        if int.from_bytes(d, "big") < R:
            break
    value = ibe.h3(sigma, message, SCHEME)
    assert value == int.from_bytes(d, "big") and value < R
    assert value != ibe.h3(sigma, message)  # the BLS12-381 rule (SHA-256, one bit) gives another scalar


def test_ibe_round_trip_and_fo_check() -> None:
    info, secret = _simulated()
    ct = ibe.encrypt(SCHEME, info.public_key_point(), 77, b"k" * 16, seeded_rng(1))
    assert ct.U.group is BN254_G2 and len(ct.to_bytes()) == 128 + 32
    signature = SCHEME.sig_group.from_bytes(_beacon(info, secret, 77).signature)
    assert ibe.decrypt(SCHEME, signature, ct) == b"k" * 16
    wrong = SCHEME.sig_group.from_bytes(_beacon(info, secret, 78).signature)
    with pytest.raises(InvalidCiphertext, match="Fujisaki"):
        ibe.decrypt(SCHEME, wrong, ct)
    flipped = ibe.Ciphertext(ct.U, ct.V, bytes([ct.W[0] ^ 1]) + ct.W[1:])
    with pytest.raises(InvalidCiphertext, match="Fujisaki"):
        ibe.decrypt(SCHEME, signature, flipped)
    body = ct.to_bytes()
    assert ibe.Ciphertext.from_bytes(SCHEME, body) == ct
    with pytest.raises(InvalidCiphertext, match="160 bytes"):
        ibe.Ciphertext.from_bytes(SCHEME, body[:-1])
    with pytest.raises(InvalidCiphertext, match="not a valid point"):
        ibe.Ciphertext.from_bytes(SCHEME, b"\x01" + body[1:])


def test_infinity_key_refused() -> None:
    with pytest.raises(TimelockError, match="invalid master public key"):
        ibe.encrypt(SCHEME, BN254_G2.identity(), 10, b"x" * 16, seeded_rng(2))


@given(message=st.binary(min_size=1, max_size=32), round_number=st.integers(1, 2**64 - 1))
@settings(max_examples=4, deadline=None)
def test_ibe_round_trip_property(message: bytes, round_number: int) -> None:
    info, secret = _simulated(5)
    ct = ibe.encrypt(SCHEME, info.public_key_point(), round_number, message, seeded_rng(round_number))
    signature = SCHEME.sig_group.from_bytes(_beacon(info, secret, round_number).signature)
    assert ibe.decrypt(SCHEME, signature, ct) == message


# -- tlock files ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("armor", [False, True])
def test_file_round_trip_on_a_simulated_chain(armor: bool) -> None:
    info, secret = _simulated()
    data = timelock.encrypt(info, 42, b"evmnet secret " * 100, armor=armor, rng=seeded_rng(3))
    assert age.is_armored(data) == armor
    stanza = timelock.read_stanza(data)
    assert (stanza.round, stanza.chain_hash, len(stanza.body)) == (42, info.hash(), 160)
    assert timelock.decrypt(data, info, lambda r: _beacon(info, secret, r)) == b"evmnet secret " * 100


def test_round_trip_with_another_bls12_381_backend_selected() -> None:
    """BN254 stays on py_ecc whatever BLS12-381 backend is chosen; tlock on both curves still works."""
    info, secret = _simulated()
    for name in available_backends():
        with use_backend(name):
            data = timelock.encrypt(info, 9, b"both curves", rng=seeded_rng(4))
            assert timelock.decrypt(data, info, lambda r: _beacon(info, secret, r)) == b"both curves"


def test_real_evmnet_key_and_beacon() -> None:
    """Locked to the real evmnet key at the round of a real beacon; that beacon opens it, others do not."""
    info, beacon = _evmnet()
    assert info.hash_hex == EVMNET["info"]["hash"]
    data = timelock.encrypt(info, beacon.round, b"opened by the League of Entropy", rng=seeded_rng(5))
    assert timelock.decrypt(data, info, lambda r: beacon) == b"opened by the League of Entropy"
    other = EVMNET["test_beacons"][0]  # a valid signature, but of another key and round
    with pytest.raises(InvalidBeacon):
        timelock.decrypt(data, info, lambda r: Beacon(beacon.round, bytes.fromhex(other["signature"])))


def test_our_frozen_evmnet_vector() -> None:
    """A ciphertext drand_edu made once (seeded), kept so that any change to the bytes is noticed.
    It is *ours*, not Go's: a regression check, not a proof of compatibility."""
    info, beacon = _evmnet()
    assert OURS["made_by"].startswith("drand_edu")
    assert timelock.decrypt(OURS["ciphertext"], info, lambda r: beacon) == OURS["plaintext"].encode()
    plaintext, rng = OURS["plaintext"].encode(), seeded_rng(OURS["seed"])
    again = timelock.encrypt(info, OURS["round"], plaintext, armor=True, rng=rng)
    assert again.decode() == OURS["ciphertext"]


def test_cli_round_trip_with_evmnet_chain_info(tmp_path: Path, capsys) -> None:
    info_file, beacons_file = tmp_path / "info.json", tmp_path / "beacons.json"
    info_file.write_text(json.dumps(EVMNET["info"]))
    beacons_file.write_text(json.dumps(EVMNET["beacons"]))
    (tmp_path / "msg.txt").write_bytes(b"cli to evmnet")
    round_number = str(EVMNET["beacons"][0]["round"])
    argv = ["tlock", "encrypt", "--chain-info", str(info_file), "--round", round_number, "--force"]
    assert main([*argv, "--armor", str(tmp_path / "msg.txt"), "-o", str(tmp_path / "msg.age")]) == 0
    assert (tmp_path / "msg.age").read_text().startswith("-----BEGIN AGE ENCRYPTED FILE-----")
    capsys.readouterr()
    out = tmp_path / "out.txt"
    argv = ["tlock", "decrypt", "--chain-info", str(info_file), "--beacons", str(beacons_file)]
    assert main([*argv, str(tmp_path / "msg.age"), "-o", str(out)]) == 0
    assert out.read_bytes() == b"cli to evmnet"
