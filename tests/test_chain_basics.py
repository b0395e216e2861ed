"""ChainInfo (the /info JSON and the chain hash), Beacon JSON, and round/time arithmetic, on real chains."""

from __future__ import annotations

import hashlib

import pytest

from drand_edu.chain import Beacon, ChainInfo, current_round, next_round, time_of_round
from drand_edu.errors import ChainMismatch, InvalidBeacon, InvalidInput, UnknownScheme

from .conftest import load_vector

MAINNET_HASH = "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce"
QUICKNET_HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"


@pytest.mark.parametrize(
    ("vector", "chain_hash", "scheme_id", "beacon_id"),
    [
        ("beacons-mainnet-default.json", MAINNET_HASH, "pedersen-bls-chained", "default"),
        ("beacons-quicknet.json", QUICKNET_HASH, "bls-unchained-g1-rfc9380", "quicknet"),
    ],
)
def test_real_chain_hashes_are_recomputed(vector: str, chain_hash: str, scheme_id: str, beacon_id: str):
    data = load_vector(vector)["info"]
    stripped = {k: v for k, v in data.items() if k != "hash"}  # recompute it, do not trust it
    info = ChainInfo.from_json(stripped)
    assert info.hash_hex == chain_hash
    assert info.scheme.id == scheme_id and info.beacon_id == beacon_id
    # the default beacon id does not enter the hash; any other one does
    recipe = hashlib.sha256(
        info.period.to_bytes(4, "big")
        + info.genesis_time.to_bytes(8, "big")
        + info.public_key
        + info.genesis_seed
        + (b"" if beacon_id == "default" else beacon_id.encode())
    )
    assert recipe.hexdigest() == chain_hash


@pytest.mark.parametrize("vector", ["beacons-mainnet-default.json", "beacons-quicknet.json"])
def test_info_json_round_trips_in_both_forms(vector: str) -> None:
    info = ChainInfo.from_json(load_vector(vector)["info"])
    assert ChainInfo.from_json(info.to_json()) == info
    assert ChainInfo.from_json(info.to_json_v2()) == info
    assert info.to_json()["hash"] == info.hash_hex
    go_duration = {**info.to_json(), "period": f"{info.period}s"}  # drand's decoders refuse it, so do we
    with pytest.raises(InvalidInput, match="period"):
        ChainInfo.from_json(go_duration)


def test_bad_info_json_gets_clear_errors() -> None:
    good = load_vector("beacons-quicknet.json")["info"]
    with pytest.raises(ChainMismatch, match="hash"):
        ChainInfo.from_json({**good, "period": 4})
    with pytest.raises(InvalidInput, match="missing"):
        ChainInfo.from_json({k: v for k, v in good.items() if k != "public_key"})
    with pytest.raises(InvalidInput):
        ChainInfo.from_json({**good, "public_key": "not hex"})
    with pytest.raises(InvalidInput, match="public key"):
        ChainInfo.from_json({**good, "public_key": good["public_key"][:96], "hash": None})
    with pytest.raises(UnknownScheme):
        ChainInfo.from_json({**good, "schemeID": "nope"})
    with pytest.raises(InvalidInput):
        ChainInfo.from_json([good])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="period"):
        ChainInfo.from_json({**good, "period": 0, "hash": None})


def test_beacon_json_and_randomness() -> None:
    for vector in ("beacons-mainnet-default.json", "beacons-quicknet.json"):
        for data in load_vector(vector)["beacons"]:
            beacon = Beacon.from_json(data)
            assert beacon.randomness == hashlib.sha256(beacon.signature).digest()
            assert Beacon.from_json(beacon.to_json()) == beacon
            assert ("previous_signature" in beacon.to_json()) == bool(beacon.previous_signature)


def test_bad_beacon_json() -> None:
    data = load_vector("beacons-quicknet.json")["beacons"][0]
    with pytest.raises(InvalidBeacon, match="randomness"):
        Beacon.from_json({**data, "randomness": "00" * 32})
    with pytest.raises(InvalidInput, match="signature"):
        Beacon.from_json({**data, "signature": "xyz"})
    with pytest.raises(InvalidInput, match="missing"):
        Beacon.from_json({"round": 1})
    with pytest.raises(InvalidInput):
        Beacon.from_json({**data, "round": "12"})
    with pytest.raises(InvalidInput):
        Beacon(-1, b"\x00")


def test_round_and_time_arithmetic_on_mainnet() -> None:
    info = ChainInfo.from_json(load_vector("beacons-mainnet-default.json")["info"])
    genesis, period = info.genesis_time, info.period
    assert (genesis, period) == (1595431050, 30)
    assert info.round_at(genesis - 1) == 1  # drand's CurrentRound: never below 1, even before genesis
    assert info.round_at(genesis) == 1
    assert info.round_at(genesis + period - 0.001) == 1
    assert info.round_at(genesis + period) == 2
    assert info.time_of_round(1) == genesis
    assert info.time_of_round(2634945) == genesis + 2634944 * period
    for round_number in (1, 2, 1000, 2634945):
        assert info.round_at(info.time_of_round(round_number)) == round_number
    assert next_round(genesis, period, genesis - 5) == (1, genesis)
    assert next_round(genesis, period, genesis + 1) == (2, genesis + period)
    assert current_round(genesis, period, genesis + 95) == 4
    assert time_of_round(genesis, period, 0) == genesis


def test_v2_fields_win_over_v1_ones_as_in_drands_unmarshal_json() -> None:
    # drand common/chain/info.go UnmarshalJSON: groupHash/schemeID/metadata count only without "scheme"
    info = ChainInfo.from_json(load_vector("beacons-mainnet-default.json")["info"])
    mixed = {**info.to_json_v2(), "schemeID": "bls-unchained-g1-rfc9380", "groupHash": "00" * 32}
    mixed["metadata"] = {"beaconID": "other"}
    assert ChainInfo.from_json(mixed) == info
    v1 = info.to_json()
    assert ChainInfo.from_json(v1) == info and v1["hash"] == info.hash_hex
