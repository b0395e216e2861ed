"""The Python client against recorded responses of real drand endpoints (replayed on 127.0.0.1)."""

from __future__ import annotations

import copy

import pytest

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.client import Client, NotFound
from drand_edu.errors import ChainMismatch, ClientError, InvalidInput

from .conftest import load_vector
from .recorded_server import RecordedServer


def recorded_routes(name: str) -> tuple[dict, ChainInfo, dict]:
    vector = load_vector(name)
    info = ChainInfo.from_json(vector["info"])
    beacon = vector["beacons"][0]
    routes = {
        "/info": (200, vector["info"]),
        f"/{info.hash_hex}/info": (200, vector["info"]),
        f"/{info.hash_hex}/public/{beacon['round']}": (200, beacon),
        f"/{info.hash_hex}/public/latest": (200, beacon),
    }
    return routes, info, beacon


@pytest.mark.parametrize("name", ["beacons-mainnet-default.json", "beacons-quicknet.json"])
def test_get_and_latest_verify_real_beacons(name: str) -> None:
    routes, info, beacon = recorded_routes(name)
    with RecordedServer(routes) as server:
        client = Client(server.url, chain_hash=info.hash_hex, public_key=info.public_key.hex())
        assert client.info() == info
        got = client.get(beacon["round"])
        assert got.signature.hex() == beacon["signature"]
        assert got.randomness.hex() == beacon["randomness"]
        assert client.latest().round == beacon["round"]
        assert client.stats.verified == 2


def test_cache_serves_verified_rounds_without_network() -> None:
    routes, info, beacon = recorded_routes("beacons-quicknet.json")
    with RecordedServer(routes) as server:
        client = Client(server.url, chain_hash=info.hash())
        client.get(beacon["round"])
        before = len(server.requests)
        client.get(beacon["round"])
        assert len(server.requests) == before
        assert client.stats.cache_hits == 1


def test_pinning_is_required_unless_tofu() -> None:
    with pytest.raises(InvalidInput, match="pin"):
        Client("http://127.0.0.1:1")
    routes, info, _ = recorded_routes("beacons-quicknet.json")
    with RecordedServer(routes) as server:
        client = Client(server.url, trust_on_first_use=True)
        assert client.info().hash() == info.hash()


def test_wrong_pinned_chain_or_key_is_refused() -> None:
    routes, info, _ = recorded_routes("beacons-quicknet.json")
    mainnet = ChainInfo.from_json(load_vector("beacons-mainnet-default.json")["info"])
    routes[f"/{mainnet.hash_hex}/info"] = routes[f"/{info.hash_hex}/info"]  # a lying endpoint
    with RecordedServer(routes) as server:
        with pytest.raises(ClientError, match="pinned"):
            Client(server.url, chain_hash=mainnet.hash_hex).info()
        with pytest.raises(ClientError, match="public key"):
            Client(server.url, chain_hash=info.hash_hex, public_key=mainnet.public_key).info()


def test_info_with_a_false_hash_is_refused() -> None:
    routes, info, _ = recorded_routes("beacons-quicknet.json")
    lying = copy.deepcopy(routes[f"/{info.hash_hex}/info"][1])
    lying["period"] = 4  # changes the real hash, so the stated hash no longer matches
    routes[f"/{info.hash_hex}/info"] = (200, lying)
    with RecordedServer(routes) as server, pytest.raises(ClientError):
        Client(server.url, chain_hash=info.hash_hex).info()
    assert isinstance(ChainMismatch("x"), Exception)


def test_forged_beacon_rejected_and_failover_to_honest_endpoint() -> None:
    routes, info, beacon = recorded_routes("beacons-mainnet-default.json")
    forged_routes = dict(routes)
    forged = dict(beacon)
    sig = bytearray.fromhex(beacon["signature"])
    sig[-1] ^= 1
    forged["signature"] = sig.hex()
    forged.pop("randomness")
    forged_routes[f"/{info.hash_hex}/public/{beacon['round']}"] = (200, forged)
    with RecordedServer(forged_routes) as evil, RecordedServer(routes) as honest:
        alone = Client(evil.url, chain_hash=info.hash_hex, retries=0)
        with pytest.raises(ClientError, match="no endpoint"):
            alone.get(beacon["round"])
        both = Client([evil.url, honest.url], chain_hash=info.hash_hex, retries=0)
        got = both.get(beacon["round"])
        assert got.signature.hex() == beacon["signature"]
        assert both.stats.failovers == 1
        assert both.stats.served_by == {honest.url: 2} or both.stats.served_by[honest.url] >= 1


def test_dead_endpoint_fails_over() -> None:
    routes, info, beacon = recorded_routes("beacons-quicknet.json")
    with RecordedServer(routes) as honest:
        dead = "http://127.0.0.1:9"  # discard port: nothing listens
        client = Client([dead, honest.url], chain_hash=info.hash_hex, retries=0, timeout=1)
        assert client.get(beacon["round"]).round == beacon["round"]
        ranked = client.rank_endpoints()
        assert ranked[0].url == honest.url and ranked[-1].last_latency is None


def test_missing_round_is_not_found() -> None:
    routes, info, _ = recorded_routes("beacons-quicknet.json")
    with RecordedServer(routes) as server:
        client = Client(server.url, chain_hash=info.hash_hex)
        with pytest.raises(NotFound):
            client.get(5)
        with pytest.raises(InvalidInput):
            client.get(0)


def test_endpoint_answering_another_round_is_refused() -> None:
    routes, info, beacon = recorded_routes("beacons-quicknet.json")
    routes[f"/{info.hash_hex}/public/7"] = (200, beacon)
    with RecordedServer(routes) as server, pytest.raises(ClientError):
        Client(server.url, chain_hash=info.hash_hex).get(7)


def test_watch_with_a_virtual_clock() -> None:
    """watch() sleeps until each round's time (here a fake clock), then yields the verified beacon."""
    routes, info, beacon = recorded_routes("beacons-quicknet.json")
    target = beacon["round"]
    now = [info.time_of_round(target) - 2.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with RecordedServer(routes) as server:
        client = Client(server.url, chain_hash=info.hash_hex, clock=lambda: now[0], sleep=sleep)
        got = list(client.watch(count=1))
    assert [b.round for b in got] == [target]
    assert slept and abs(sum(slept) - 2.0) < 1e-9
    assert isinstance(got[0], Beacon)
