"""The client against a hostile first endpoint: every kind of bad answer fails over to the healthy one.

Issue 15 measured 10 cases: 5 tracebacks, 2 hung 60 s, a 300 MB body read into memory, and no
failover. Here each bad behaviour is served by a raw socket on 127.0.0.1 (bounded loops, no sleeps
longer than a fraction of a second), with a recorded real quicknet endpoint behind it.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest

from drand_edu.client import Client
from drand_edu.client.http import get_json
from drand_edu.errors import ClientError

from .recorded_server import RecordedServer

QUICKNET = json.loads((Path(__file__).parent / "data" / "beacons-quicknet.json").read_text())
INFO, BEACON = QUICKNET["info"], QUICKNET["beacons"][0]
HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"


def _json_answer(body: object) -> bytes:
    payload = json.dumps(body).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(payload) + payload


WRONG_CHAIN = dict(INFO, period=4, hash=None)
BAD_SIGNATURE = dict(BEACON, signature="8" + BEACON["signature"][1:])
BAD_SIGNATURE.pop("randomness", None)


class Hostile:
    """A raw TCP server that answers every request the same wrong way (``mode``)."""

    def __init__(self, mode: str, drip_every: float = 0.25) -> None:
        self.mode = mode
        self.drip_every = drip_every  # below the clients' 1 s: no single read ever times out
        self.connections = 0  # how many times it was asked
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        deadline = time.monotonic() + (120 if "drip" in self.mode else 10)  # every behaviour ends on its own
        try:
            conn.settimeout(2)
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(4096)
            path = request.split(b" ")[1].decode()
            mode = self.mode
            if mode == "bad status line":
                conn.sendall(b"HTTZ/9 two hundred\r\n\r\n{}")
            elif mode == "truncated body":
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{"round": 1')
            elif mode == "endless body":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[")
                while not self._stop.is_set() and time.monotonic() < deadline:
                    conn.sendall(b"1," * 32768)
            elif mode == "huge body":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 300000000\r\n\r\n[")
            elif mode == "slow body":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n")
                while not self._stop.is_set() and time.monotonic() < deadline:
                    conn.sendall(b" ")
                    time.sleep(0.2)
            elif mode == "http/1.0 drip":  # no length, the connection closes: http.client lets go of it
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n")
                self._drip(conn, b" " * 1000, deadline)
            elif mode == "status line drip":
                self._drip(conn, b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 1000, deadline)
            elif mode == "silent":
                while not self._stop.is_set() and time.monotonic() < deadline:
                    time.sleep(0.1)
            elif mode == "not json":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
            elif mode == "deep json":
                conn.sendall(_json_answer_raw(b"[" * 100_000 + b"]" * 100_000))
            elif mode == "wrong chain":
                conn.sendall(_json_answer(WRONG_CHAIN if path.endswith("/info") else BEACON))
            elif mode == "bad signature":
                conn.sendall(_json_answer(INFO if path.endswith("/info") else BAD_SIGNATURE))
        except OSError:
            pass
        finally:
            conn.close()

    def _drip(self, conn: socket.socket, data: bytes, deadline: float) -> None:
        """One byte every ``drip_every`` s, until the client hangs up (or the test ends)."""
        for byte in data:
            if self._stop.is_set() or time.monotonic() > deadline:
                return
            conn.sendall(bytes([byte]))
            self._stop.wait(self.drip_every)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()


def _json_answer_raw(payload: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(payload) + payload


MODES = [
    "bad status line", "truncated body", "endless body", "huge body", "slow body", "silent",
    "not json", "deep json", "wrong chain", "bad signature", "http/1.0 drip", "status line drip",
]  # fmt: skip


@pytest.fixture(scope="module")
def healthy():
    routes = {f"/{HASH}/info": (200, INFO), f"/{HASH}/public/{BEACON['round']}": (200, BEACON)}
    with RecordedServer(routes) as server:
        yield server


@pytest.mark.parametrize("mode", MODES)
def test_the_client_fails_over_from_a_hostile_endpoint(healthy, mode: str) -> None:
    hostile = Hostile(mode)
    try:
        client = Client([hostile.url, healthy.url], chain_hash=HASH, timeout=1.0, retries=0)
        beacon = client.get(BEACON["round"])
        assert beacon.signature.hex() == BEACON["signature"]
        assert client.stats.failovers >= 1  # the bad answer was not used: the next endpoint's was
        assert len(client.failure_log) >= 1 and hostile.url in client.failure_log[0]
        assert all("\n" not in line for line in client.failure_log)  # one line per failure
    finally:
        hostile.close()


def finishes(action, within: float = 60.0):
    """``action()``'s result, run in a thread; fails the test if it has not returned ``within`` seconds
    (a hang detector with a wide margin, not a speed check: the drips below never end on their own)."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = action()
        except BaseException as error:  # handed to the test below
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(within)
    assert not thread.is_alive(), f"still running after {within:.0f} s: the deadline did not hold"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


@pytest.mark.parametrize(
    "mode", ["endless body", "slow body", "silent", "huge body", "http/1.0 drip", "status line drip"]
)
def test_one_deadline_for_the_whole_request(mode: str) -> None:
    hostile = Hostile(mode)
    try:
        with pytest.raises(ClientError) as refused:
            finishes(lambda: get_json(hostile.url + "/info", timeout=1.0, retries=0))
        assert "\n" not in str(refused.value)
        if mode not in ("endless body", "huge body"):  # those two are refused for their size
            assert "within 1 s" in str(refused.value)  # cut off by the deadline, not by the server
    finally:
        hostile.close()


# -- sync --follow: a hostile peer is dropped for the next, as drand's tryNode loop does ---------------
class InOrder:
    """An rng whose shuffle keeps the given order: the hostile peer is asked first."""

    @staticmethod
    def sample(population, k):
        return list(population)[:k]


@pytest.fixture(scope="module")
def small_chain():
    from drand_edu.node.network import LocalNetwork
    from drand_edu.rng import seeded_rng

    net = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", rng=seeded_rng("hostile-follow"))
    net.advance(3 * 7 + 0.5)  # rounds 1..8
    return net.info, list(net.processes[0].store.cursor(1))


class SyncPeer:
    """A peer's ``/sync`` long poll over recorded beacons: one beacon JSON per line from ``from`` on."""

    def __init__(self, beacons) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        by_round = {b.round: b for b in beacons}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                start = int(parse_qs(urlsplit(self.path).query)["from"][0])
                lines = [
                    json.dumps(by_round[r].to_json()) + "\n" for r in range(start, start + 3) if r in by_round
                ]
                payload = "".join(lines).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


FOLLOW_MODES = ["deep json", "http/1.0 drip", "status line drip", "not json", "endless body", "huge body",
                "bad status line", "truncated body"]  # fmt: skip


@pytest.mark.parametrize("mode", FOLLOW_MODES)
def test_follow_drops_a_hostile_peer_and_follows_the_next(small_chain, mode: str) -> None:
    from drand_edu.cli.sync import deadline_fetch
    from drand_edu.node.sync_http import follow_chain
    from drand_edu.store import MemoryStore

    info, beacons = small_chain
    hostile, healthy = Hostile(mode), SyncPeer(beacons)
    try:
        store = MemoryStore()
        peers = [hostile.url.removeprefix("http://"), healthy.address]
        last = finishes(
            lambda: follow_chain(info, store, peers, up_to=6, rng=InOrder(), silence=30, fetch=deadline_fetch)
        )
        assert last == 6 and [b.round for b in store.cursor(1)] == [1, 2, 3, 4, 5, 6]
        assert [store.get(r) for r in range(1, 7)] == beacons[:6]  # the healthy peer's, verified
    finally:
        hostile.close()
        healthy.close()


@pytest.mark.parametrize("mode", ["deep json", "http/1.0 drip"])
def test_sync_follow_with_only_a_hostile_peer_ends_with_one_line(small_chain, tmp_path, capsys, mode) -> None:
    from drand_edu.cli import main

    info, _ = small_chain
    (tmp_path / "info.json").write_text(json.dumps(info.to_json()))
    hostile = Hostile(mode)
    try:
        argv = ["sync", "--follow", "--sync-nodes", hostile.url.removeprefix("http://"), "--info",
                str(tmp_path / "info.json"), "--db", str(tmp_path / "f.db"), "--up-to", "4"]  # fmt: skip
        assert finishes(lambda: main(argv)) == 1  # the target was not reached: no peer could give it
        captured = capsys.readouterr()
        assert captured.err.strip().splitlines() == [
            "drand-edu sync: no sync node gave the rounds up to 4: each was tried and dropped"
        ]  # one line, no RecursionError, no traceback
        assert captured.out.strip().splitlines() == ["synced to round 0"]
    finally:
        hostile.close()


# -- the commands: client get and tlock decrypt go on to the next endpoint -----------------------------
def test_client_get_and_tlock_decrypt_fail_over_from_a_dripping_endpoint(healthy, tmp_path, capsys) -> None:
    from drand_edu.cli import main

    vector = json.loads((Path(__file__).parent / "data" / "tlock-quicknet-go-r12040883.json").read_text())
    assert vector["round"] == BEACON["round"]
    hostile = Hostile("http/1.0 drip")
    try:
        urls = ["--url", hostile.url, "--url", healthy.url]
        argv = ["client", "get", "public", *urls, "--hash", HASH, "--timeout", "1", str(BEACON["round"])]
        assert finishes(lambda: main(argv)) == 0
        assert json.loads(capsys.readouterr().out)["signature"] == BEACON["signature"]
        (tmp_path / "in.age").write_text(vector["ciphertext"])
        argv = [
            "tlock",
            "decrypt",
            *urls,
            "--chain-hash",
            HASH,
            str(tmp_path / "in.age"),
            "-o",
            str(tmp_path / "out"),
        ]
        assert finishes(lambda: main(argv), within=120) == 0  # its client's deadline is 5 s a request
        assert (tmp_path / "out").read_text() == vector["plaintext"]
    finally:
        hostile.close()
