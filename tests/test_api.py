"""The public HTTP API: drand's paths, JSON and cache headers, read by urllib, our Client and drand-client."""

from __future__ import annotations

import json
import subprocess
import threading
import urllib.error
import urllib.request

import pytest

from drand_edu.api import ServedChain, serve, serve_metrics
from drand_edu.api.server import IMMUTABLE, PublicAPI
from drand_edu.chain import Beacon, verify_chain
from drand_edu.client import Client
from drand_edu.errors import ClientError, InvalidBeacon
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng
from drand_edu.store import MemoryStore, new_chain_store

from .npm import JS_DIR, ensure_npm_packages


@pytest.fixture(scope="module", params=["bls-unchained-g1-rfc9380", "pedersen-bls-chained"])
def network(request) -> LocalNetwork:
    net = LocalNetwork.create(4, 3, request.param, period=3, rng=seeded_rng(request.param))
    net.advance(3 * 9 + 0.5)  # rounds 1..10 (and the last messages delivered)
    return net


@pytest.fixture
def server(network):
    with serve(ServedChain(network.info, network.processes[0].store), clock=network.now) as running:
        yield running


def get(url: str) -> tuple[int, dict[str, str], object]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def test_paths_and_json(server, network) -> None:
    info = network.info
    status, headers, chains = get(server.url + "/chains")
    assert status == 200 and chains == [info.hash_hex]
    assert headers["Cache-Control"] == "max-age=300"  # drand's ChainHashes
    for path in ("/info", f"/{info.hash_hex}/info"):
        status, headers, body = get(server.url + path)
        assert status == 200 and body == info.to_json()
        assert headers["Cache-Control"] == "public, max-age=604800, immutable"
        assert headers["Access-Control-Allow-Origin"] == "*" and headers["Content-Type"] == "application/json"
    for path in ("/public/5", f"/{info.hash_hex}/public/5"):
        status, headers, body = get(server.url + path)
        assert status == 200 and Beacon.from_json(body) == network.processes[0].store.get(5)
        assert headers["Cache-Control"] == "public, max-age=604800, immutable"
    status, headers, latest = get(server.url + "/public/latest")
    assert status == 200 and latest["round"] == 10
    assert "Expires" in headers and "Last-Modified" in headers
    assert get(server.url + "/public/0")[2]["round"] == 10  # round 0 means latest, as in drand
    status, headers, health = get(server.url + "/health")
    assert status == 200 and health == {"current": 10, "expected": 10}
    # cacheable until round 11 is due (genesis + 30 s; now is genesis + 27.5 s), as drand's Health
    assert headers["Cache-Control"] == "public, must-revalidate, max-age=2"


def test_latest_is_cached_until_the_next_round(network) -> None:
    one_second_later = lambda: network.now() + 1  # noqa: E731 - round 11 is then due in 2 s
    with serve(ServedChain(network.info, network.processes[0].store), clock=one_second_later) as server:
        _, headers, _ = get(server.url + "/public/latest")
    assert headers["Cache-Control"] == "max-age=2, public"


def test_errors_are_json_4xx(server, network) -> None:
    cases = {
        "/public/abc": 400,
        "/public/-1": 400,
        "/nothere": 404,
        "/zz/info": 400,
        "/" + "00" * 32 + "/info": 404,
        "/public/11": 404,  # due now-ish but not produced
        "/public/100000": 404,  # far in the future
    }
    for path, expected in cases.items():
        status, headers, body = get(server.url + path)
        assert status == expected, path
        assert isinstance(body, dict) and body.get("error"), path
    _, headers, _ = get(server.url + "/public/100000")
    assert headers["Cache-Control"].startswith("public, must-revalidate, max-age=")


def test_health_reports_a_lagging_node(network) -> None:
    lagging = MemoryStore()
    for beacon in network.processes[0].store.cursor(1, 5):
        lagging.put(beacon)
    with serve(ServedChain(network.info, lagging), clock=network.now) as server:
        status, headers, health = get(server.url + "/health")
    assert status == 503 and health == {"current": 5, "expected": 10}
    assert headers["Cache-Control"] == "no-cache"


def test_our_client_reads_and_verifies(server, network) -> None:
    client = Client(server.url, chain_hash=network.info.hash_hex, public_key=network.info.public_key.hex())
    beacons = [client.get(r) for r in range(1, 11)]
    assert verify_chain(network.info, beacons) == []
    assert client.latest().round == 10


def test_failover_when_a_node_dies(network) -> None:
    first = serve(ServedChain(network.info, network.processes[0].store), clock=network.now)
    with serve(ServedChain(network.info, network.processes[1].store), clock=network.now) as second:
        client = Client([first.url, second.url], chain_hash=network.info.hash_hex, retries=0, timeout=2)
        assert client.get(3).round == 3
        first.close()  # node 0's API goes away
        assert client.get(4).round == 4
        assert client.stats.failovers >= 1 and client.stats.served_by[second.url] >= 1


def test_a_tampered_store_is_caught_by_the_client(network) -> None:
    store = MemoryStore()
    for beacon in network.processes[0].store.cursor():
        store.put(beacon)
    good = store.get(10)
    store._beacons[10] = Beacon(10, network.processes[0].store.get(9).signature, good.previous_signature)
    with serve(ServedChain(network.info, store), clock=network.now) as server:
        client = Client(server.url, chain_hash=network.info.hash_hex, retries=0)
        with pytest.raises((InvalidBeacon, ClientError)):
            client.get(10)


@pytest.mark.npm
def test_npm_drand_client_verifies_our_beacons_and_rejects_a_tampered_one(network) -> None:
    node = ensure_npm_packages()
    info = network.info
    script = str(JS_DIR / "drand_client_check.mjs")
    with serve(ServedChain(info, network.processes[0].store), clock=network.now) as server:
        result = subprocess.run(
            [node, script, server.url, info.hash_hex, info.public_key.hex(), "7"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"RANDOMNESS={network.processes[0].store.get(7).randomness.hex()}" in result.stdout

    tampered = MemoryStore()
    for beacon in network.processes[0].store.cursor():
        tampered.put(beacon)
    real = tampered.get(7)
    tampered._beacons[7] = Beacon(7, network.processes[0].store.get(6).signature, real.previous_signature)
    with serve(ServedChain(info, tampered), clock=network.now) as server:
        result = subprocess.run(
            [node, script, server.url, info.hash_hex, info.public_key.hex(), "7"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode != 0 and "RANDOMNESS" not in result.stdout


class _CountingStore(MemoryStore):
    """A backend that counts how often the round being waited for is read."""

    def __init__(self, watched: int) -> None:
        super().__init__()
        self.watched, self.reads = watched, 0

    def get(self, round_number: int) -> Beacon:
        if round_number == self.watched:
            self.reads += 1
        return super().get(round_number)


def _stack_up_to(network, last: int, watched: int):
    """A node's store stack (callbacks on top) holding rounds 1..last of ``network``'s chain."""
    backend = _CountingStore(watched)
    stack = new_chain_store(network.info, backend)
    for beacon in network.processes[0].store.cursor(1, last):
        stack.put(beacon)
    return stack, backend


def test_the_next_round_waits_for_its_beacon_on_a_list_of_waiters(network) -> None:
    """drand's getRand: a request for the round after the last one joins a list of waiters that the
    store's callback wakes when the beacon is written. Nothing polls: however long it waits, the
    request reads the store at most twice (before joining the list, and right after joining it)."""
    source = network.processes[0].store
    stack, backend = _stack_up_to(network, 5, watched=6)
    arrives = threading.Timer(0.3, lambda: stack.put(source.get(6)))
    with serve(ServedChain(network.info, stack), clock=network.now, wait=30) as server:
        arrives.start()
        status, headers, body = get(server.url + "/public/6")  # asked before round 6 is stored
        assert status == 200 and body["round"] == 6 and headers["Cache-Control"] == IMMUTABLE
        assert backend.reads <= 2  # woken by the callback with the beacon, not by reading in a loop
        assert any(name.startswith("http-api-") for name in stack.callbacks())
        status, headers, _ = get(server.url + "/public/8")  # not the next one: no waiting
        assert status == 500 and "Cache-Control" not in headers  # due, not stored: drand's 500
        assert get(server.url + "/public/11")[0] == 404  # not due yet: a 404 nobody caches
    arrives.join()
    assert not any(name.startswith("http-api-") for name in stack.callbacks())  # closed: callback gone


def test_one_stored_beacon_wakes_every_waiter_at_once(network) -> None:
    """watchWithTimeout hands each new beacon to every request on the pending list and starts a new list:
    five requests for the next round, one write, five answers, one callback on the stack."""
    source = network.processes[0].store
    stack, _ = _stack_up_to(network, 5, watched=6)
    api = PublicAPI([ServedChain(network.info, stack)], network.now, wait=60)
    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(api.handle("/public/6")[0])) for _ in range(5)]
    for thread in threads:
        thread.start()
    waiters = api._waiters_of(stack)
    while len(waiters._pending) < 5 and all(t.is_alive() for t in threads):
        threads[0].join(0.01)
    assert [name for name in stack.callbacks() if name.startswith("http-api-")] == [waiters.name]
    stack.put(source.get(6))
    for thread in threads:
        thread.join(30)
    assert answers == [200] * 5 and waiters._pending == []
    api.close()


def test_a_waiting_request_is_woken_when_the_server_closes(network) -> None:
    """The waiters end with the server (drand's end with the request's context): no thread left behind."""
    stack, _ = _stack_up_to(network, 5, watched=6)
    api = PublicAPI([ServedChain(network.info, stack)], network.now, wait=60)
    answers: list[int] = []
    waiter = threading.Thread(target=lambda: answers.append(api.handle("/public/6")[0]))
    waiter.start()
    while not any(name.startswith("http-api-") for name in stack.callbacks()):
        waiter.join(0.01)
    api.close()
    waiter.join(30)
    assert not waiter.is_alive() and answers == [404]  # not stored: "not yet", nobody may cache it
    assert stack.callbacks() == []


def test_the_wait_for_the_next_round_is_bounded(network) -> None:
    """drand's HTTP waiter waits until the beacon comes or the client goes away; ours gives up after
    ``wait`` seconds (by default a period plus one second, PublicRand's bound): a 404 nobody caches."""
    stack, _ = _stack_up_to(network, 5, watched=6)
    api = PublicAPI([ServedChain(network.info, stack)], network.now, wait=0.2)
    status, headers, _ = api.handle("/public/6")
    assert status == 404 and headers["Cache-Control"] == "must-revalidate, no-cache, max-age=0"
    api.close()
    assert PublicAPI([ServedChain(network.info, stack)])._wait_seconds(ServedChain(network.info, stack)) == (
        network.info.period + 1.0
    )


def test_a_bare_backend_cannot_call_back_so_it_is_looked_at_again(network) -> None:
    """Only a store stack has callbacks. Under a bare backend (which drand never serves) nothing can wake
    a waiting request, so it looks at the store again until the beacon is there or its wait ends."""
    source = network.processes[0].store
    bare = _CountingStore(watched=6)
    for beacon in source.cursor(1, 5):
        bare.put(beacon)
    api = PublicAPI([ServedChain(network.info, bare)], network.now, wait=0.3)
    status, _, _ = api.handle("/public/6")
    assert status == 404 and bare.reads >= 2  # read again while waiting, then "not yet"
    arrives = threading.Timer(0.2, lambda: bare.put(source.get(6)))
    arrives.start()
    api.wait = 30
    status, _, body = api.handle("/public/6")
    arrives.join()
    assert status == 200 and json.loads(body)["round"] == 6


def test_a_round_further_ahead_is_refused(network) -> None:
    with serve(ServedChain(network.info, network.processes[0].store), clock=network.now, wait=30) as server:
        status, headers, body = get(server.url + "/public/12")  # due 5.5 s from now: more than a period
    assert status == 404 and "future" in body["error"]
    assert headers["Cache-Control"] == "public, must-revalidate, max-age=5"


def test_metrics_on_their_own_listener_with_drands_names(network) -> None:
    node = network.processes[0]
    with serve(ServedChain(network.info, node.store), clock=network.now) as public:
        status, _, _ = get(public.url + "/metrics")
        assert status == 404  # not on the public API, as in drand
    with serve_metrics([node.metrics]) as server:
        with urllib.request.urlopen(server.url + "/metrics", timeout=10) as answer:
            text = answer.read().decode()
            kind = answer.headers["Content-Type"]
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.url + "/info", timeout=10)
    assert kind.startswith("text/plain")
    beacon_id = network.info.beacon_id
    assert f'last_beacon_round{{beacon_id="{beacon_id}"}} 10.0' in text
    assert f'group_size{{beacon_id="{beacon_id}"}} 4.0' in text
    assert f'group_threshold{{beacon_id="{beacon_id}"}} 3.0' in text
    # drand sets the DKG state machine's number: Complete is 7 (the help text's old "3-Done" is stale)
    assert f'dkg_state{{beacon_id="{beacon_id}"}} 7.0' in text
    assert "beacon_discrepancy_latency" in text
    times, rounds = node.metrics.series("last_beacon_round")
    assert rounds == [float(r) for r in range(1, 11)] and times == sorted(times)


def test_one_metrics_listener_for_several_beacons() -> None:
    from drand_edu.node.metrics import NodeMetrics

    first, second = NodeMetrics("default"), NodeMetrics("quicknet")
    first.group(4, 3)
    second.group(3, 2)
    with serve_metrics([first, second]) as server:
        with urllib.request.urlopen(server.url + "/metrics", timeout=10) as answer:
            lines = answer.read().decode().splitlines()
    assert 'group_size{beacon_id="default"} 4.0' in lines and 'group_size{beacon_id="quicknet"} 3.0' in lines
    assert sum(line == "# TYPE group_size gauge" for line in lines) == 1  # one family, two samples


def test_latest_body_follows_new_rounds() -> None:
    """``/public/latest`` encodes its body once per round (a cache): a new beacon must still show."""
    net = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", period=3, rng=seeded_rng("latest-cache"))
    net.advance(3 * 2 + 0.5)  # rounds 1..3
    with serve(ServedChain(net.info, net.processes[0].store), clock=net.now) as server:
        first = get(server.url + "/public/latest")[2]
        assert get(server.url + "/public/latest")[2] == first
        net.advance(3.0)
        newer = get(server.url + "/public/latest")[2]
    assert newer["round"] == first["round"] + 1
    assert Beacon.from_json(newer) == net.processes[0].store.last()


def test_latest_reads_the_store_once_per_round_and_follows_a_swapped_store() -> None:
    """Under load every request asked the store (its lock: the latency tail); until the next round is
    due nothing newer can exist, so the store is read again only then, or when it is replaced."""
    net = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", period=3, rng=seeded_rng("latest-reads"))
    net.advance(3 * 2 + 0.5)  # rounds 1..3, now half a second after round 3
    reads = []

    class CountingStore(MemoryStore):
        def last(self):
            reads.append(1)
            return super().last()

    store = CountingStore()
    for beacon in net.processes[0].store.cursor():
        store.put(beacon)
    chain = ServedChain(net.info, store)
    api = PublicAPI([chain], net.now)
    for _ in range(5):
        assert json.loads(api.handle("/public/latest")[2])["round"] == 3
    assert len(reads) == 1
    net.advance(3.0)  # round 4 is due (and made): the store is asked again
    store.put(net.processes[0].store.get(4))
    assert json.loads(api.handle("/public/latest")[2])["round"] == 4 and len(reads) == 2
    chain.store = MemoryStore()  # a store swapped under the API (notebook 05 does this)
    for beacon in net.processes[0].store.cursor():
        if beacon.round <= 2:
            chain.store.put(beacon)
    assert json.loads(api.handle("/public/latest")[2])["round"] == 2
