"""The shared hardened HTTP server: every bad request gets an HTTP answer, slow clients hold no worker.

Regression tests for issue 15's server rows: deep JSON (a segfault before), bad ``Content-Length``
headers (dropped connections), ``/public/²`` (a traceback), slowloris connections (a thread each).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from drand_edu.errors import InputTooLarge, InvalidInput, parse_json
from drand_edu.net.http_server import HttpError, HttpServer, Request, json_answer
from drand_edu.net.http_transport import HttpNetwork

DEEP = b"[" * 100_000 + b"]" * 100_000  # ~200 KB: overflowed the C stack once py_ecc was imported


def raw(url: str, data: bytes, timeout: float = 5) -> bytes:
    """Send ``data`` on a fresh connection and return the status line of the answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as conn:
        conn.sendall(data)
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_parse_json_bounds_depth_size_and_digits() -> None:
    import py_ecc  # noqa: F401  (raises the recursion limit to 100,000: the segfault's condition)

    with pytest.raises(InputTooLarge, match="nested"):
        parse_json(DEEP)
    with pytest.raises(InputTooLarge, match="digits"):
        parse_json(b'{"round": ' + b"9" * 5000 + b"}")
    with pytest.raises(InputTooLarge, match="bytes"):
        parse_json(b" " * 10, max_bytes=5)
    with pytest.raises(InvalidInput, match="UTF-8"):
        parse_json(b'"\xff"')
    with pytest.raises(InvalidInput):
        parse_json(b"NaN")
    assert parse_json(b'{"a": "[[[[", "b": [1, [2]]}') == {"a": "[[[[", "b": [1, [2]]}
    assert parse_json(b"[" * 30 + b"]" * 30)  # deep enough for any real message


def test_deep_json_to_the_peer_port_is_refused_and_the_node_stays_up() -> None:
    node = HttpNetwork(0, {})
    try:
        assert post(node.url + "/protocol", DEEP, {"X-Drand-Edu-From": "1"}) == 400
        partial = b'{"kind": "partial", "round": 1, "previous_signature": "", "partial_sig": "0001"}'
        assert post(node.url + "/protocol", partial, {"X-Drand-Edu-From": "1"}) == 204
        # a sync is never pushed: it is GET /sync, answered to whoever asks (issue 23)
        sync = b'{"kind": "sync", "from_round": 1}'
        assert post(node.url + "/protocol", sync, {"X-Drand-Edu-From": "1"}) == 400
    finally:
        node.close()


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"POST /protocol HTTP/1.1\r\nHost: x\r\nX-Drand-Edu-From: 1\r\n\r\n", b"411"),
        (b"POST /protocol HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"400"),
        (b"POST /protocol HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", b"400"),
        (b"POST /protocol HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n", b"413"),
        (
            b"POST /protocol HTTP/1.1\r\nHost: x\r\nX-Drand-Edu-From: \xc2\xb2\r\n"
            b"Content-Length: 2\r\n\r\n{}",
            b"400",
        ),
        (b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n", b"404"),
        (b"\x16\x03\x01\x00garbage\r\n\r\n", b"400"),
    ],
)
def test_bad_headers_get_an_http_error_not_a_dropped_connection(request_bytes: bytes, status: bytes) -> None:
    node = HttpNetwork(0, {})
    try:
        assert status in raw(node.url, request_bytes)
    finally:
        node.close()


def test_a_failing_handler_answers_500_and_the_server_goes_on(capfd) -> None:
    def handle(request: Request):
        if request.path == "/bug":
            raise ZeroDivisionError("a bug")
        if request.path == "/refuse":
            raise HttpError(403, "no")
        return json_answer(200, {"ok": True})

    with HttpServer(handle) as server:
        for path, code in (("/bug", 500), ("/refuse", 403), ("/fine", 200)):
            try:
                assert urllib.request.urlopen(server.url + path, timeout=5).status == code
            except urllib.error.HTTPError as error:
                assert error.code == code
                assert "error" in json.loads(error.read())
    assert "ZeroDivisionError" in capfd.readouterr().err  # one line, no traceback
    assert "Traceback" not in capfd.readouterr().err


def test_the_public_api_refuses_a_unicode_digit_round() -> None:
    from drand_edu.api.server import _ApiError, _round

    with pytest.raises(_ApiError):
        _round("²")


def test_slow_clients_hold_no_worker_and_are_dropped_when_idle() -> None:
    with HttpServer(lambda r: json_answer(200, {"ok": True}), idle_timeout=2) as server:
        host, port = server.host, server.port
        slow = [socket.create_connection((host, port), timeout=5) for _ in range(200)]
        try:
            for conn in slow:  # half a request line each, then silence
                conn.sendall(b"GET /x HTT")
            for _ in range(5):  # the 200 slow ones delay nobody
                assert urllib.request.urlopen(server.url + "/fine", timeout=5).status == 200
            time.sleep(4)  # past the idle timeout: the server closed them
            closed = 0
            for conn in slow:
                try:
                    closed += conn.recv(1) == b""
                except OSError:
                    closed += 1
            assert closed == len(slow)
        finally:
            for conn in slow:
                conn.close()


def test_many_concurrent_clients_all_get_answers() -> None:
    with HttpServer(lambda r: json_answer(200, {"ok": True})) as server:
        failures: list[Exception] = []

        def fetch() -> None:
            try:
                urllib.request.urlopen(server.url + "/x", timeout=10).read()
            except Exception as error:
                failures.append(error)

        threads = [threading.Thread(target=fetch) for _ in range(64)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []


def test_the_control_port_refuses_calls_without_the_owners_token(tmp_path) -> None:
    import stat
    import types

    from drand_edu.api.control import TOKEN_FILE, ControlServer, read_token

    dkg = types.SimpleNamespace(folder=tmp_path, status=lambda: {"status": "Fresh"}, propose_initial=print)
    server = ControlServer(dkg)
    try:
        token_file = tmp_path / TOKEN_FILE
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        url = f"http://127.0.0.1:{server.port}"
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            request = urllib.request.Request(url + "/dkg/status", headers=headers)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=5)
            assert refused.value.code == 401 and "owner only" in json.loads(refused.value.read())["error"]
        mine = {"Authorization": f"Bearer {read_token(tmp_path)}"}
        answer = urllib.request.urlopen(urllib.request.Request(url + "/dkg/status", headers=mine), timeout=5)
        assert json.loads(answer.read()) == {"status": "Fresh"}
        body = json.dumps({"joiners": "127.0.0.1:1", "threshold": 1, "period": 3}).encode()
        init = urllib.request.Request(url + "/dkg/init", data=body, headers=mine, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:  # a string, not a list of addresses
            urllib.request.urlopen(init, timeout=5)
        assert (
            refused.value.code == 400
            and "list of node addresses" in json.loads(refused.value.read())["error"]
        )
        deep = urllib.request.Request(url + "/dkg/init", data=DEEP, headers=mine, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:  # the segfault of issue 15: now a 400
            urllib.request.urlopen(deep, timeout=5)
        assert refused.value.code == 400
    finally:
        server.close()
    assert not token_file.exists()


def test_the_log_is_rate_limited_and_a_log_file_is_capped(tmp_path, monkeypatch) -> None:
    import sys

    from drand_edu.net import http_server

    log_file = (tmp_path / "node.log").open("a")
    log_file.write("x" * 2000 + "\n")
    log_file.flush()
    monkeypatch.setattr(sys, "stderr", log_file)
    monkeypatch.setattr(http_server, "MAX_LOG_BYTES", 1000)
    log = http_server.BoundedLog("node0", per_minute=5)
    for number in range(1000):  # a flood of failures
        log(f"bad request {number}")
    log_file.close()
    text = (tmp_path / "node.log").read_text()
    assert "log emptied" in text and "x" * 100 not in text  # past the cap, the file started over
    assert text.count("bad request") == 5  # and only 5 lines a minute were written


def test_the_public_api_answers_400_to_a_unicode_digit_round() -> None:
    from pathlib import Path

    from drand_edu.api import ServedChain, serve
    from drand_edu.chain.info import ChainInfo
    from drand_edu.store import MemoryStore

    data = json.loads((Path(__file__).parent / "data" / "beacons-quicknet.json").read_text())
    with serve(ServedChain(ChainInfo.from_json(data["info"]), MemoryStore())) as server:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + "/public/%C2%B2", timeout=5)
        assert refused.value.code == 400
        assert b"400" in raw(server.url, "GET /public/² HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert urllib.request.urlopen(server.url + "/info", timeout=5).status == 200  # still up


class _FakeListener:
    """Just enough of a waitress server for :func:`_accept_pending`: a backlog of pending pairs."""

    def __init__(self, pending: int, limit: int = 1000) -> None:
        self._map: dict[int, object] = {0: self}  # the listening socket itself is in the map
        self.adj = type("Adj", (), {"connection_limit": limit})()
        self.backlog = [(f"conn{i}", ("127.0.0.1", i)) for i in range(pending)]
        self.channels: list[str] = []

    def accept(self):
        return self.backlog.pop(0) if self.backlog else None

    def set_socket_options(self, conn) -> None:
        pass

    def fix_addr(self, addr):
        return addr

    def channel_class(self, server, conn, addr, adj, map) -> None:  # waitress calls it with map=
        self.channels.append(conn)
        map[len(map)] = conn


def test_every_pending_connection_is_accepted_in_one_turn() -> None:
    """64 clients that each open a new connection: waitress accepted one a turn of its loop (the tail
    of the latency under load); now one turn takes the whole backlog, up to the connection limit."""
    from drand_edu.net.http_server import ACCEPT_BATCH, _accept_pending

    listener = _FakeListener(pending=40)
    _accept_pending(listener)
    assert len(listener.channels) == 40 and not listener.backlog
    big = _FakeListener(pending=ACCEPT_BATCH + 5)
    _accept_pending(big)
    assert len(big.channels) == ACCEPT_BATCH and len(big.backlog) == 5  # the rest on the next turn
    full = _FakeListener(pending=10, limit=4)
    _accept_pending(full)
    assert len(full.channels) == 3  # 1 listener + 3 connections = the limit of 4


def test_a_running_server_uses_the_batched_accept() -> None:
    with HttpServer(lambda request: json_answer(200, {})) as server:
        assert server._server.handle_accept.func.__name__ == "_accept_pending"
