"""Issue 23, deliverable 1: a peer port that strangers cannot exhaust, steer or use as a reflector.

The ``X-Drand-Edu-From`` header is a claim: what a node keeps or does for a message is decided by
what the message proves (a partial's signature, a DKG packet's signature under a key of the
proposal), and what a stranger can make it keep is bounded. Each attack of the issue is reproduced
against real node processes on loopback (``drand-edu demo up``), and the chain must go on producing
beacons during and after it; the bounds that cannot be seen from outside a process (store callbacks,
pages read under the store's lock, which pool serves which request) are checked in-process too.
Attack sizes are modest here (a few MB); ``benchmarks/probe_hostile.py`` measures memory and CPU
under the full-size attacks.
"""

from __future__ import annotations

import json
import re
import threading
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from drand_edu.chain.beacon import Beacon
from drand_edu.cli import main
from drand_edu.net.dkg_packets import sign_packet
from drand_edu.net.http_server import HttpServer, Request
from drand_edu.net.messages import DKGPacket
from drand_edu.node import sync_http
from drand_edu.node.dkg_process import LOG_LINES, NOTE_CHARS
from drand_edu.rng import seeded_rng
from drand_edu.store.memory import MemoryStore
from drand_edu.store.sqlite import CURSOR_PAGE, SQLiteStore
from drand_edu.store.stack import CallbackStore

from .test_demo_processes import wait_for

MB = 1 << 20


# -- helpers ------------------------------------------------------------------------------------------
def post(url: str, body: bytes, headers: dict | None = None, timeout: float = 30) -> int:
    headers = {"X-Drand-Edu-From": "-1", **(headers or {})}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def get(url: str, headers: dict | None = None, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def dkg_packet(sender: str, packet: str, body: dict, signature: str = "") -> bytes:
    return json.dumps(
        {
            "kind": "dkg",
            "sender": sender,
            "packet": packet,
            "body": body,
            "beacon_id": "default",
            "signature": signature,
        }
    ).encode()


def big_deal(size: int, dealer: int = 0) -> dict:
    """An unsigned deal bundle of about ``size`` bytes of JSON."""
    return {
        "dealer_index": dealer,
        "deals": [{"share_index": 0, "encrypted_share": "ab" * (size // 2)}],
        "public": [],
        "session_id": "00",
        "signature": "00",
    }


# -- in-process: the bounds themselves ------------------------------------------------------------------
def test_waiting_requests_have_their_own_pool(tmp_path) -> None:
    """Every ``/sync`` worker blocked (and more queued behind them): a partial's path is still served."""
    release = threading.Event()

    def handle(request: Request):
        if request.path.startswith("/sync"):
            release.wait(60)
        return 200, {}, b"ok"

    server = HttpServer(handle, slow_paths=("/sync",), slow_threads=2, threads=2)
    waiting = [
        threading.Thread(target=get, args=(server.url + "/sync?from=9",), daemon=True) for _ in range(8)
    ]
    try:
        for thread in waiting:
            thread.start()
        time.sleep(0.5)  # let them reach the server (not an assertion on speed)
        assert get(server.url + "/protocol", timeout=30) == (
            200,
            b"ok",
        )  # before the fix: never, until released
    finally:
        release.set()
        for thread in waiting:
            thread.join(30)
        server.close()


def test_sync_streams_are_bounded_and_removed_when_they_end() -> None:
    """Many requesters waiting for the next beacon: at most MAX_WAITING store callbacks at once, one per
    connection (a second request of the same peer replaces the first), none left when they end."""
    store = CallbackStore(MemoryStore())
    store.put(Beacon(0, b"\x01" * 48))
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.append(sum(n.startswith("SyncChain-") for n in store.callbacks()))
            time.sleep(0.001)

    watcher = threading.Thread(target=watch)
    watcher.start()
    answers = []

    def ask(i: int) -> None:
        request = Request("GET", "/sync?from=1", peer=f"127.0.0.1:{40000 + i}")
        answers.append(sync_http.sync_answer(request, lambda _id: store, wait=0.5)[0])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    stop.set()
    watcher.join()
    assert answers == [200] * 40
    assert 0 < max(seen) <= sync_http.MAX_WAITING
    assert store.callbacks() == []
    # drand's id "SyncChain-<addr>": the same peer again replaces its stream, it does not add one
    names = []
    store.add_callback = lambda name, callback, add=store.add_callback: (
        names.append(name),
        add(name, callback),
    )
    for _ in range(2):
        sync_http.sync_answer(
            Request("GET", "/sync?from=1", peer="127.0.0.1:5"), lambda _id: store, wait=0.01
        )
    assert names == ["SyncChain-127.0.0.1:5"] * 2 and store.callbacks() == []


def test_a_cursor_reads_pages_not_the_whole_range(tmp_path) -> None:
    """Serving ``from=1`` of a long chain read every row under the store's lock (1M rounds: 2.3 s,
    233 MB a request); now a cursor reads CURSOR_PAGE rows per query."""
    store = SQLiteStore(tmp_path / "chain.db", genesis_seed=b"\x00" * 32)
    signatures = [bytes([r % 251]) * 96 for r in range(5 * CURSOR_PAGE + 7)]
    store.put_many(
        [Beacon(0, b"\x00" * 32)]
        + [
            Beacon(r, signatures[r - 1], signatures[r - 2] if r > 1 else b"\x00" * 32)
            for r in range(1, len(signatures) + 1)
        ]
    )
    fetched: list[int] = []
    plain = store._db

    class Counting:
        def execute(self, sql, params=()):
            cursor = plain.execute(sql, params)
            rows = cursor.fetchall()
            fetched.append(len(rows))
            return _Rows(rows)

    store._db = Counting()
    first = next(store.cursor(1))
    # one page read (and round 0's row, for round 1's previous signature), not all 1,287 rows
    assert first.round == 1 and fetched == [CURSOR_PAGE, 1]
    beacons = list(store.cursor(1))
    assert [b.round for b in beacons] == list(range(1, len(signatures) + 1))
    assert all(
        b.previous_signature == (signatures[b.round - 2] if b.round > 1 else b"\x00" * 32) for b in beacons
    )
    assert max(fetched) <= CURSOR_PAGE
    store._db = plain
    store.close()


class _Rows:
    def __init__(self, rows: list) -> None:
        self.rows = rows

    def fetchall(self) -> list:
        return self.rows

    def fetchone(self):
        return self.rows[0] if self.rows else None


def test_refused_dkg_packets_leave_a_bounded_log_and_nothing_else(tmp_path) -> None:
    from tests.test_dkg_process import VirtualNet, make_nodes

    net = VirtualNet()
    (node,) = make_nodes(net, 1, tmp_path, seeded_rng("peer-port-log"))
    for i in range(LOG_LINES + 50):
        node.receive(DKGPacket("x" * 200_000, "accept", {"acceptor": "y" * 100_000}))
        node.receive(DKGPacket(f"127.0.0.1:{i}", "deal", big_deal(10_000)))  # no DKG under way
    assert len(node.log) == LOG_LINES and max(len(line) for line in node.log) <= NOTE_CHARS
    assert "no DKG under way" in node.log[-1]
    assert node._early == {}
    assert len(json.dumps(node.status())) < 12 * NOTE_CHARS + 2000


def test_early_bundles_are_kept_only_from_participants_while_a_proposal_is_active(tmp_path) -> None:
    from tests.test_dkg_process import SCHEME, VirtualNet, make_nodes

    net = VirtualNet()
    nodes = make_nodes(net, 3, tmp_path, seeded_rng("peer-port-early"))
    leader, joiner, stranger = nodes
    leader.propose_initial([joiner.address], 2, period=3, genesis_delay=30, timeout=60)
    net.run(1)
    joiner.join()
    terms = leader.terms
    unsigned = DKGPacket(leader.address, "deal", big_deal(1000))
    by_stranger = sign_packet(
        SCHEME, stranger.key_store.secret_key, DKGPacket(stranger.address, "deal", big_deal(1000)), terms
    )
    forged_sender = sign_packet(
        SCHEME, stranger.key_store.secret_key, DKGPacket(leader.address, "deal", big_deal(1000)), terms
    )
    for packet in (unsigned, by_stranger, forged_sender):
        joiner.receive(packet)
        assert joiner._early == {} and "refused deal" in joiner.log[-1]
    signed = sign_packet(
        SCHEME, leader.key_store.secret_key, DKGPacket(leader.address, "deal", big_deal(1000)), terms
    )
    for _ in range(5):
        joiner.receive(signed)
    assert list(joiner._early) == [("deal", leader.address)]  # kept once, for the execution to come
    net.run(120)  # the proposal times out: what was kept for it goes
    assert joiner._early == {}
    joiner.receive(signed)
    assert joiner._early == {} and "no DKG under way" in joiner.log[-1]


# -- against node processes -----------------------------------------------------------------------------
DEALS = 20


class Demo:
    """The nodes of ``demo up``: public URLs, peer addresses, pids, control ports and tokens."""

    def __init__(self, folder: Path, urls: list[str], pids: list[int]) -> None:
        self.folder = folder
        self.urls = urls
        self.pids = pids
        self.nodes = [folder / f"node{i}" for i in range(len(urls))]
        self.peers = []
        for node in self.nodes:
            public = node / "multibeacon" / "default" / "key" / "drand_id.public"
            self.peers.append("http://" + tomllib.loads(public.read_text())["Address"])

    def current(self, i: int = 0) -> int:
        status, body = get(self.urls[i] + "/public/latest", timeout=10)
        return json.loads(body)["round"] if status == 200 else 0

    def dkg_status(self, i: int) -> bytes:
        control = f"http://127.0.0.1:{(self.nodes[i] / 'control.port').read_text().strip()}"
        token = (self.nodes[i] / "control.token").read_text().strip()
        status, body = get(control + "/dkg/status", {"Authorization": f"Bearer {token}"})
        assert status == 200
        return body

    def rss(self, i: int) -> int:
        """Resident memory of node ``i``'s process, in bytes (Linux)."""
        text = Path(f"/proc/{self.pids[i]}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1)) * 1024

    def goes_on(self, rounds: int = 2, timeout: float = 90) -> None:
        """Every node's latest round grows by ``rounds`` (generous timeout: no speed is asserted)."""
        start = [self.current(i) for i in range(len(self.urls))]
        for i, before in enumerate(start):
            wait_for(
                lambda i=i, b=before: self.current(i) >= b + rounds, timeout, f"node {i} to produce beacons"
            )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("peer-port") / "demo"
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            ["demo", "up", "--nodes", "4", "--threshold", "3", "--period", "2", "--folder", str(folder)]
        )
    assert code == 0, out.getvalue()
    urls = re.findall(r"node \d: (http://\S+)", out.getvalue())
    pids = [int(p) for p in (folder / "pids").read_text().split()]
    try:
        net = Demo(folder, urls, pids)
        wait_for(lambda: all(net.current(i) >= 2 for i in range(4)), 90, "round 2 on every node")
        yield net
    finally:
        with contextlib.redirect_stdout(io.StringIO()):
            main(["demo", "down", "--folder", str(folder)])
        from drand_edu.cli.demo import is_running

        wait_for(lambda: not any(is_running(p) for p in pids), 20, "every demo process to stop")


@pytest.mark.slow
def test_sync_is_never_pushed_to_an_address_a_request_names(demo) -> None:
    """One 57-byte POST {"kind": "sync"} naming another member made a node push its whole chain there
    (amplification = chain length); a spoofed id per request left a store callback each. Now the
    messages of a sync stream are refused at the door, and a sync is the answer to whoever asked."""
    refused = [
        b'{"kind": "sync", "from_round": 1}',
        b'{"kind": "sync_end", "by_server": false, "reason": "x"}',
        b'{"kind": "beacon", "round": 1, "signature": "00"}',
    ]
    for i, peer in enumerate(demo.peers):
        for body in refused:
            for sender in ("0", "1", "2", "3", "999999", "-1"):
                assert post(peer + "/protocol", body, {"X-Drand-Edu-From": sender}) == 400
        # a partial is taken in (204) but counts only by its signature: this one is garbage
        garbage = b'{"kind": "partial", "round": 1, "previous_signature": "", "partial_sig": "0001ff"}'
        assert post(peer + "/protocol", garbage, {"X-Drand-Edu-From": str((i + 1) % 4)}) == 204
    # the stream goes back to the requester, whatever it claims to be
    status, body = get(demo.peers[1] + "/sync?from=1", {"X-Drand-Edu-From": "2"})
    rounds = [json.loads(line)["round"] for line in body.splitlines()]
    assert status == 200 and rounds[:2] == [1, 2] and rounds == list(range(1, len(rounds) + 1))
    demo.goes_on()


def handled(demo: Demo, i: int) -> None:
    """Wait until node ``i`` handled every packet sent so far: packets are handled in order on its event
    thread, so once a last refused one, from a sender named ``sentinel``, is in the log, all were."""
    assert post(demo.peers[i] + "/protocol", dkg_packet("sentinel", "execute", {})) == 204
    wait_for(lambda: b"sentinel" in demo.dkg_status(i), 60, "the packets to be handled")


@pytest.mark.slow
def test_a_dkg_flood_with_huge_senders_leaves_a_bounded_log(demo) -> None:
    """100 POSTs with a 3.9 MB sender grew a node by 390 MB and /dkg/status returned 47 MB."""
    before = demo.rss(1)
    sender = "s" * (3 * MB)
    for packet, body in [
        ("accept", {"acceptor": "a"}),
        ("proposal", {"terms": {}}),
        ("execute", {}),
        ("deal", big_deal(1000)),
    ] * 4:
        assert post(demo.peers[1] + "/protocol", dkg_packet(sender, packet, body)) == 204
    handled(demo, 1)
    status = demo.dkg_status(1)
    assert len(status) < 12 * NOTE_CHARS + 4000  # was 12 lines of 3 MB each
    assert b"s" * 100 not in status
    grown = demo.rss(1) - before
    # before: every refused packet's 3 MB sender stayed in the log (48 MB)
    assert grown < 16 * MB, f"the node grew by {grown >> 20} MB for 48 MB of refused packets"
    demo.goes_on()


@pytest.mark.slow
def test_bundles_without_a_dkg_under_way_are_not_kept(demo) -> None:
    """200 unsigned 3.9 MB deals with no DKG running grew a node by 380 MB; now none is kept."""
    before = demo.rss(2)
    members = [p.removeprefix("http://") for p in demo.peers]
    for i in range(DEALS):
        assert (
            post(demo.peers[2] + "/protocol", dkg_packet(members[i % 4], "deal", big_deal(3 * MB, i))) == 204
        )
    handled(demo, 2)
    grown = demo.rss(2) - before
    # before: each deal kept (its 1.5 MB of share bytes and more): DEALS x 1.5 MB at least
    assert grown < DEALS * MB, f"the node grew by {grown >> 20} MB for {3 * DEALS} MB of refused deals"
    assert b"a bundle is not kept" in demo.dkg_status(2)
    demo.goes_on()


@pytest.mark.slow
def test_waiting_sync_requests_do_not_stall_the_chain(demo) -> None:
    """60 loops of GET /sync?from=<next> per node held every worker (5 of 16 rounds in 32 s). Now they
    have their own pool and bounded waits: partials still get in, and the chain goes on."""
    stop = threading.Event()
    errors: list[str] = []

    def loop(peer: str) -> None:
        while not stop.is_set():
            try:
                status, _ = get(f"{peer}/sync?from={demo.current(0) + 1}", timeout=30)
            except OSError as error:  # the attacker's problem, not the node's: note it
                errors.append(type(error).__name__)
                continue
            if status not in (200, 404):  # 404: that node is a round behind node 0, fine
                errors.append(str(status))

    attackers = [
        threading.Thread(target=loop, args=(peer,), daemon=True) for peer in demo.peers for _ in range(15)
    ]
    for thread in attackers:
        thread.start()
    try:
        demo.goes_on(rounds=3, timeout=120)  # during the attack
        for peer in demo.peers:  # the main pool answers meanwhile
            assert get(peer + "/identity", timeout=30)[0] == 200
    finally:
        stop.set()
        for thread in attackers:
            thread.join(60)
    assert not [e for e in errors if e not in ("TimeoutError", "URLError", "RemoteDisconnected")]
    demo.goes_on()  # and after it
