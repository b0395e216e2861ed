"""Beacons that *we* sign are accepted by the independent ``drand-verify`` package (Rust, from PyPI).

drand-verify knows three of the four schemes (chained on G2, unchained on G1 with either DST); for
each we make a key, sign a few rounds, and ask it. Tampered beacons must be refused by it too, and the
real vectors must pass both verifiers.
"""

from __future__ import annotations

import drand_verify
import pytest

from drand_edu.chain import Beacon, ChainInfo, is_valid_beacon
from drand_edu.crypto import bls, scheme_by_id, use_backend
from drand_edu.rng import seeded_rng

from .conftest import load_vector


def ask_drand_verify(scheme_id: str, beacon: Beacon, public_key: bytes) -> bytes | None:
    """drand-verify's randomness for a valid beacon, None when it refuses."""
    try:
        if scheme_id == "pedersen-bls-chained":
            randomness = drand_verify.verify_pedersen_bls_chained(
                beacon.round, beacon.previous_signature.hex(), beacon.signature.hex(), public_key.hex()
            )
        elif scheme_id == "bls-unchained-on-g1":
            randomness = drand_verify.verify_bls_unchained_on_g1(
                beacon.round, beacon.signature.hex(), public_key.hex()
            )
        else:
            randomness = drand_verify.verify_bls_unchained_g1_rfc9380(
                beacon.round, beacon.signature.hex(), public_key.hex()
            )
    except Exception:  # drand-verify raises its own exception types on refusal
        return None
    return bytes(randomness) if not isinstance(randomness, str) else bytes.fromhex(randomness)


@pytest.mark.parametrize(
    "scheme_id", ["pedersen-bls-chained", "bls-unchained-on-g1", "bls-unchained-g1-rfc9380"]
)
@pytest.mark.parametrize("backend_name", ["arkworks", "py_ecc"])
def test_our_signatures_pass_drand_verify(scheme_id: str, backend_name: str) -> None:
    scheme = scheme_by_id(scheme_id)
    rounds = (1, 2, 3) if backend_name == "arkworks" else (7,)
    with use_backend(backend_name):
        keys = bls.keygen(scheme, rng=seeded_rng(f"{scheme_id}/{backend_name}"))
        public = keys.public.to_bytes()
        previous = bytes(range(96))
        for round_number in rounds:
            link = previous if scheme.chained else b""
            beacon = Beacon(
                round_number, bls.sign(scheme, keys.secret, scheme.digest(round_number, link)), link
            )
            assert ask_drand_verify(scheme_id, beacon, public) == beacon.randomness
            # tampered: another round, or one flipped bit
            assert (
                ask_drand_verify(scheme_id, Beacon(round_number + 1, beacon.signature, link), public) is None
            )
            flipped = bytearray(beacon.signature)
            flipped[5] ^= 0x10
            assert ask_drand_verify(scheme_id, Beacon(round_number, bytes(flipped), link), public) is None
            previous = beacon.signature


def test_real_beacons_pass_both_verifiers() -> None:
    for vector in ("beacons-mainnet-default.json", "beacons-quicknet.json"):
        data = load_vector(vector)
        info = ChainInfo.from_json(data["info"])
        for beacon_json in data["beacons"]:
            beacon = Beacon.from_json(beacon_json)
            assert is_valid_beacon(info, beacon)
            assert ask_drand_verify(info.scheme.id, beacon, info.public_key) == beacon.randomness
