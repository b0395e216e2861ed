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
    """We recompute the hash from the info's fields. drand-client (JS) compares only the stated ``hash``
    and ``public_key`` strings with its pinned ones, and both still match here: it would accept this."""
    routes, info, _ = recorded_routes("beacons-quicknet.json")
    lying = copy.deepcopy(routes[f"/{info.hash_hex}/info"][1])
    lying["period"] = 4  # changes the real hash, so the stated hash no longer matches
    assert (lying["hash"], lying["public_key"]) == (info.hash_hex, info.public_key.hex())  # JS: accepted
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
        # without verification (what go-clients' plain client/http Get does) the forgery goes through
        unverified = Client(evil.url, chain_hash=info.hash_hex, retries=0, verify=False)
        assert unverified.get(beacon["round"]).signature.hex() == forged["signature"]
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


def test_watch_starts_with_the_current_round() -> None:
    """Like go-clients' PollingWatcher and drand-client's watch: the current round first, at once."""
    routes, info, beacon = recorded_routes("beacons-quicknet.json")
    target = beacon["round"]
    now = [info.time_of_round(target) + 1.5]  # round ``target`` is the current one
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds
        assert sum(slept) < 60, "watch skipped the current round and waits for a later one"

    with RecordedServer(routes) as server:
        client = Client(server.url, chain_hash=info.hash_hex, clock=lambda: now[0], sleep=sleep)
        got = list(client.watch(count=1))
    assert [b.round for b in got] == [target] and slept == []
    assert isinstance(got[0], Beacon)


def test_watch_then_waits_for_each_next_round() -> None:
    """On a local network with a virtual clock: current round, then each new one at its time."""
    from drand_edu.api import ServedChain, serve
    from drand_edu.node.network import LocalNetwork
    from drand_edu.rng import seeded_rng

    net = LocalNetwork.create(3, 2, period=3, rng=seeded_rng("watch"))
    net.advance(10.0)  # genesis + 10 s: round 4 is current
    with serve(ServedChain(net.info, net.processes[0].store), clock=net.now) as server:
        client = Client(server.url, chain_hash=net.info.hash_hex, retries=0, clock=net.now, sleep=net.advance)
        current = net.info.round_at(net.now())
        rounds = [(b.round, net.info.round_at(net.now())) for b in client.watch(count=3)]
    assert current == 4
    assert rounds == [(4, 4), (5, 5), (6, 6)]  # each yielded during its own round
