"""verify_beacon, verify_chain and verify_batch on real beacons, on chains we sign, and on tampered ones."""

from __future__ import annotations

import random

import pytest

from drand_edu.chain import (
    Beacon,
    ChainInfo,
    verify_batch,
    verify_beacon,
    verify_chain,
    verify_chain_or_raise,
)
from drand_edu.crypto import G1, G2, bls, pairing_check, scheme_by_id
from drand_edu.crypto.constants import FIELD_MODULUS
from drand_edu.errors import InvalidBeacon
from drand_edu.rng import seeded_rng

from .conftest import load_vector


def real(vector: str) -> tuple[ChainInfo, list[Beacon]]:
    data = load_vector(vector)
    return ChainInfo.from_json(data["info"]), [Beacon.from_json(b) for b in data["beacons"]]


def make_chain(scheme_id: str, rounds: int, seed: int = 1) -> tuple[ChainInfo, list[Beacon], int]:
    """A chain we sign ourselves: rounds 1..``rounds`` with proper links when chained."""
    scheme = scheme_by_id(scheme_id)
    keys = bls.keygen(scheme, rng=seeded_rng(seed))
    info = ChainInfo(keys.public.to_bytes(), 3, 1_700_000_000, bytes(range(32)), scheme, "test")
    # as in drand, round 1 of a chained chain links to the genesis seed (the "signature" of round 0)
    beacons, previous = [], info.genesis_seed
    for round_number in range(1, rounds + 1):
        link = previous if scheme.chained else b""
        signature = bls.sign(scheme, keys.secret, scheme.digest(round_number, link))
        beacons.append(Beacon(round_number, signature, link))
        previous = signature
    return info, beacons, keys.secret


def flip_bit(data: bytes, position: int, bit: int = 0) -> bytes:
    out = bytearray(data)
    out[position] ^= 1 << bit
    return bytes(out)


@pytest.mark.parametrize("vector", ["beacons-mainnet-default.json", "beacons-quicknet.json"])
def test_real_beacons_verify_on_both_backends(backend: str, vector: str) -> None:
    info, beacons = real(vector)
    for beacon in beacons:
        verify_beacon(info, beacon)
    assert verify_chain(info, beacons) == []


@pytest.mark.parametrize("vector", ["beacons-mainnet-default.json", "beacons-quicknet.json"])
def test_tampered_real_beacons_are_rejected(vector: str) -> None:
    info, beacons = real(vector)
    beacon = beacons[0]
    tampered = {
        "one bit of the signature": Beacon(
            beacon.round, flip_bit(beacon.signature, 30, 3), beacon.previous_signature
        ),
        "wrong round": Beacon(beacon.round + 1, beacon.signature, beacon.previous_signature),
        "truncated signature": Beacon(beacon.round, beacon.signature[:-1], beacon.previous_signature),
        "round zero": Beacon(0, beacon.signature, beacon.previous_signature),
    }
    if info.scheme.chained:
        tampered["wrong previous signature"] = Beacon(
            beacon.round, beacon.signature, flip_bit(beacon.previous_signature, 50)
        )
        tampered["missing previous signature"] = Beacon(beacon.round, beacon.signature)
    for what, bad in tampered.items():
        with pytest.raises(InvalidBeacon, match=f"round {bad.round}"):
            verify_beacon(info, bad)
        assert verify_chain(info, [bad]), what


def test_signature_not_in_the_subgroup_is_a_beacon_error() -> None:
    info, beacons = real("beacons-quicknet.json")
    p = FIELD_MODULUS
    # the first x on the curve y² = x³ + 4: a point of E(Fp), but (almost surely) not of order r
    x = next(x for x in range(1, 100) if pow((x**3 + 4) % p, (p - 1) // 2, p) == 1)
    encoded = bytearray(x.to_bytes(48, "big"))
    encoded[0] |= 0x80
    with pytest.raises(InvalidBeacon, match="not a valid curve point"):
        verify_beacon(info, Beacon(beacons[0].round, bytes(encoded)))


def test_chain_links_and_order_are_checked() -> None:
    info, beacons, secret = make_chain("pedersen-bls-chained", 6)
    assert verify_chain(info, beacons) == []
    # validly signed, but previous_signature points elsewhere: the signature is fine, the link is not
    fork_link = beacons[1].signature[::-1]
    forged = Beacon(4, bls.sign(info.scheme, secret, info.scheme.digest(4, fork_link)), fork_link)
    problems = verify_chain(info, [*beacons[:3], forged, *beacons[4:]])
    kinds = {(p.round, p.kind) for p in problems}
    assert (4, "link") in kinds and (5, "link") in kinds and not any(p.kind == "signature" for p in problems)
    out_of_order = verify_chain(info, [beacons[2], beacons[1]])
    assert [p.kind for p in out_of_order] == ["order"]
    duplicate = verify_chain(info, [beacons[1], beacons[1]])
    assert [p.kind for p in duplicate] == ["order"]
    with pytest.raises(InvalidBeacon, match="round 4"):
        verify_chain_or_raise(info, [*beacons[:3], forged])


def test_gaps_are_allowed_in_a_segment_but_not_broken_links() -> None:
    info, beacons, _ = make_chain("pedersen-bls-chained", 5)
    assert verify_chain(info, [beacons[0], beacons[3], beacons[4]]) == []


@pytest.mark.parametrize(
    "scheme_id", ["pedersen-bls-chained", "bls-unchained-g1-rfc9380", "bls-unchained-on-g1"]
)
def test_batch_verification_accepts_a_valid_chain_and_finds_the_bad_ones(scheme_id: str) -> None:
    info, beacons, _ = make_chain(scheme_id, 40)
    assert verify_batch(info, beacons, rng=seeded_rng(1)) == []
    bad_rounds = [7, 31]
    broken = list(beacons)
    for round_number in bad_rounds:
        original = broken[round_number - 1]
        other = beacons[round_number].signature  # a valid point, the signature of another round
        broken[round_number - 1] = Beacon(round_number, other, original.previous_signature)
    assert verify_batch(info, broken, rng=seeded_rng(2)) == bad_rounds
    problems = verify_chain(info, broken, batch=True, rng=seeded_rng(3))
    assert sorted({p.round for p in problems if p.kind == "signature"}) == bad_rounds


def test_batch_verification_of_real_beacons() -> None:
    for vector in ("beacons-mainnet-default.json", "beacons-quicknet.json"):
        info, beacons = real(vector)
        assert verify_batch(info, beacons) == []
        broken = [Beacon(b.round, flip_bit(b.signature, 10), b.previous_signature) for b in beacons]
        assert verify_batch(info, broken) == [b.round for b in beacons]


def test_random_coefficients_defeat_cancelling_forgeries() -> None:
    """Two forged signatures σ₁+δ and σ₂−δ pass *naive* aggregation but not verify_batch."""
    info, beacons, _ = make_chain("pedersen-bls-unchained", 2)
    scheme = info.scheme
    delta = G2.generator() * random.Random(5).randrange(1, 2**64)
    sig1 = G2.from_bytes(beacons[0].signature) + delta
    sig2 = G2.from_bytes(beacons[1].signature) - delta
    forged = [Beacon(1, sig1.to_bytes()), Beacon(2, sig2.to_bytes())]
    for beacon in forged:
        assert not bls.verify(scheme, info.public_key, beacon.message(scheme), beacon.signature)

    # naive aggregation: e(pk, H(m1) + H(m2)) == e(g, σ1 + σ2) — the δ terms cancel
    hashed = sum((bls.hash_message(scheme, b.message(scheme)) for b in forged), G2.identity())
    public = info.public_key_point()
    assert pairing_check([(public, hashed), (-G1.generator(), sig1 + sig2)])

    assert verify_batch(info, forged, rng=seeded_rng(9)) == [1, 2]


def test_batch_on_two_processes_gives_the_same_answers() -> None:
    info, beacons, _ = make_chain("pedersen-bls-chained", 160)
    assert verify_batch(info, beacons, rng=seeded_rng(4), workers=2) == []
    broken = list(beacons)
    broken[100] = Beacon(101, beacons[3].signature, beacons[100].previous_signature)
    undecodable = bytearray(beacons[149].signature)
    undecodable[0] &= 0x7F  # compression flag cleared
    broken[149] = Beacon(150, bytes(undecodable), beacons[149].previous_signature)
    assert verify_batch(info, broken, rng=seeded_rng(5), workers=2) == [101, 150]
    assert verify_batch(info, broken, rng=seeded_rng(5), workers=1) == [101, 150]
