"""One hardened HTTP server for the three listeners of a node: peers, the public API, the control port.

Each listener only says what to answer (a ``handle(request) -> (status, headers, body)`` function);
this module does the socket side, the same way for all three, so that a hostile byte cannot take a
node down:

* **bounded work**: a fixed pool of worker threads (:data:`THREADS`), at most
  :data:`CONNECTION_LIMIT` open connections, a real listen backlog (:data:`BACKLOG`, not
  ``http.server``'s 5, which made a 64th concurrent client time out);
* **bounded input**: request line and headers at most :data:`MAX_HEADER_BYTES`, a body at most
  ``max_body`` bytes (413), ``Content-Length`` required on a POST (411) and only digits (400), JSON
  bodies parsed by :func:`~drand_edu.errors.parse_json` (size, nesting and integer digits bounded);
* **many clients at once**: every connection waiting in the backlog is accepted in one turn of the
  event loop (up to :data:`ACCEPT_BATCH`; waitress accepts one a turn, so 64 clients that each open a
  new connection waited up to 64 turns — the tail of the latency under load);
* **slow clients cost a socket, not a thread**: requests are read by one event loop and handed to a
  worker only once complete, and a connection idle for :data:`IDLE_TIMEOUT` seconds is closed — 200
  half-open (slowloris) connections leave every worker free for everyone else;
* **waiting requests have their own workers**: paths named in ``slow_paths`` (the peer port's
  ``/sync`` long polls, which may wait for the next beacon) are served by a separate pool of
  ``slow_threads`` workers, so that however many of them wait, the main pool stays free for what
  cannot wait (partials, DKG packets); the waits themselves are bounded by their handler;
* **every failure is an HTTP answer**: a handler that raises gets its client a 500 (a JSON body), never
  a dropped connection, and the failure is logged in one line through a log that keeps at most
  :data:`LOG_LINES_PER_MINUTE` lines a minute and empties a log file past :data:`MAX_LOG_BYTES`
  (a flood of bad requests cannot fill the disk).

Why `waitress <https://docs.pylonsproject.org/projects/waitress/>`_ and not the standard library's
``http.server``: ``ThreadingHTTPServer`` starts one thread per connection and blocks it on reading,
so slow clients hold threads forever (or, with a pool, starve everyone); waitress is a small, pure
Python, well-kept WSGI server built as an event loop (asyncore) that buffers each request before a
worker sees it, with the limits above as plain settings. drand itself serves with Go's ``net/http``,
whose server has the same kind of settings (``ReadHeaderTimeout``, ``MaxHeaderBytes``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus

from waitress.server import create_server
from waitress.task import ThreadedTaskDispatcher

from ..errors import MAX_JSON_BYTES, InvalidInput, parse_json

#: worker threads per listener: the handlers are short (a store read, a queue push)
THREADS = 4
#: pending connections the kernel keeps before refusing (http.server's default is 5)
BACKLOG = 1024
#: open connections per listener; past it, new ones wait in the backlog
CONNECTION_LIMIT = 1000
#: connections accepted in one turn of the event loop (see :func:`_accept_pending`)
ACCEPT_BATCH = 64
#: seconds a connection may stay silent (half-open, slowloris, idle keep-alive) before it is closed
IDLE_TIMEOUT = 10.0
#: request line + headers
MAX_HEADER_BYTES = 16 * 1024
#: a body (node messages and control calls are a few KB; a DKG deal bundle of a big group, ~1 MB)
MAX_BODY_BYTES = MAX_JSON_BYTES
#: how many lines the server log writes a minute, at most (the rest is counted and reported)
LOG_LINES_PER_MINUTE = 60
#: the size at which a log file (a node's stderr, ``node.log``) is emptied
MAX_LOG_BYTES = 8 << 20


@dataclass(frozen=True)
class Request:
    """One complete HTTP request: ``path`` as sent (with its query), header names in lower case.

    ``peer`` is the address the connection really comes from (``ip:port`` of the TCP socket, as
    drand's ``net.RemoteAddress`` reads it from gRPC's ``peer``), never a header the client wrote.
    """

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    peer: str = ""

    def json(self, what: str = "the request body") -> dict:
        """The body as a JSON object (empty body: ``{}``); :class:`HttpError` 400 otherwise."""
        if not self.body:
            return {}
        try:
            value = parse_json(self.body, what=what)
        except InvalidInput as error:
            raise HttpError(400, str(error)) from None
        if not isinstance(value, dict):
            raise HttpError(400, f"{what} must be a JSON object")
        return value


Answer = tuple[int, dict[str, str], bytes]
Handle = Callable[[Request], Answer]


class HttpError(Exception):
    """Raised by a handler to refuse a request: answered as ``status`` with ``{"error": message}``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def json_answer(status: int, value: object, headers: dict[str, str] | None = None) -> Answer:
    """An answer with ``value`` as its JSON body."""
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(value).encode()


class BoundedLog:
    """Lines to stderr, at most ``per_minute`` of them a minute; the overflow is counted, then reported."""

    def __init__(self, name: str, per_minute: int = LOG_LINES_PER_MINUTE) -> None:
        self.name = name
        self.per_minute = per_minute
        self._window = 0.0
        self._written = 0
        self._dropped = 0
        self._lock = threading.Lock()

    def __call__(self, line: str) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._window >= 60:
                if self._dropped:
                    self._write(f"{self._dropped} more lines not logged in the last minute")
                self._window, self._written, self._dropped = now, 0, 0
            if self._written >= self.per_minute:
                self._dropped += 1
                return
            self._written += 1
            self._write(line[:500])

    def _write(self, line: str) -> None:
        try:
            _cap_log_file(sys.stderr)
            print(f"{self.name}: {line}", file=sys.stderr, flush=True)
        except (OSError, ValueError):
            pass  # a closed or full stderr must not take the server down


def _cap_log_file(stream) -> None:
    """A node's stderr is its ``node.log``: past :data:`MAX_LOG_BYTES` the file is emptied (with a note),
    so that no flood of bad requests, however long, fills the disk."""
    descriptor = stream.fileno()
    info = os.fstat(descriptor)
    if stat.S_ISREG(info.st_mode) and info.st_size > MAX_LOG_BYTES:
        stream.flush()
        os.ftruncate(descriptor, 0)
        with contextlib.suppress(OSError, ValueError):  # a file not opened for appending
            stream.seek(0)
        print(f"(log emptied at {MAX_LOG_BYTES >> 20} MB)", file=stream, flush=True)


class HttpServer:
    """``handle`` served on ``host:port`` (port 0: any free port) from a background thread.

    ``handle`` gets a :class:`Request`, returns ``(status, headers, body)`` or raises
    :class:`HttpError`; anything else it raises becomes a 500. Use as a context manager or ``close()``.
    Requests for a path in ``slow_paths`` (the part before ``?``) go to a pool of their own of
    ``slow_threads`` workers (requests that may wait must not hold the workers the others need).
    """

    def __init__(
        self,
        handle: Handle,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        name: str = "http",
        max_body: int = MAX_BODY_BYTES,
        threads: int = THREADS,
        idle_timeout: float = IDLE_TIMEOUT,
        server_name: str = "drand-edu",
        slow_paths: tuple[str, ...] = (),
        slow_threads: int = THREADS,
    ) -> None:
        self.handle = handle
        self.name = name
        self.max_body = max_body
        self.log = BoundedLog(name)
        logging.getLogger("waitress").setLevel(logging.CRITICAL)  # our own log says what failed
        self._server = create_server(
            self._wsgi, host=host, port=port, threads=threads, backlog=BACKLOG,
            connection_limit=CONNECTION_LIMIT, channel_timeout=idle_timeout,
            cleanup_interval=max(1, int(idle_timeout / 2)), max_request_header_size=MAX_HEADER_BYTES,
            max_request_body_size=max_body, ident=server_name, asyncore_use_poll=True,
            expose_tracebacks=False, clear_untrusted_proxy_headers=True,
        )  # fmt: skip
        self._slow: ThreadedTaskDispatcher | None = None
        if hasattr(self._server, "accept"):  # one listening socket (not waitress' MultiSocketServer)
            self._server.handle_accept = partial(_accept_pending, self._server)
            if slow_paths:
                self._slow = ThreadedTaskDispatcher()
                self._slow.set_thread_count(slow_threads)
                self._server.add_task = partial(_route_task, self._server, self._slow, frozenset(slow_paths))
        self._closed = False
        self._thread = threading.Thread(target=self._server.run, daemon=True, name=name)
        self._thread.start()

    @property
    def host(self) -> str:
        return self._server.effective_host

    @property
    def port(self) -> int:
        return self._server.effective_port

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran: the port is free and nothing answers there any more."""
        return self._closed

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- one request --------------------------------------------------------------------------------
    def _wsgi(self, environ: dict, start_response: Callable) -> list[bytes]:
        try:
            status, headers, body = self.handle(self._request(environ))
        except HttpError as error:
            status, headers, body = json_answer(error.status, {"error": str(error)}, error.headers)
        except Exception as error:  # a bug in a handler: the client still gets an answer
            self.log(f"{environ.get('REQUEST_METHOD')} {environ.get('REQUEST_URI', '')[:80]!r} failed: "
                     f"{type(error).__name__}: {error}")  # fmt: skip
            status, headers, body = json_answer(500, {"error": "internal error"})
        reason = _reason(status)
        headers = {k: v for k, v in headers.items() if k.lower() != "content-length"}
        start_response(f"{status} {reason}", [*headers.items(), ("Content-Length", str(len(body)))])
        return [body] if environ.get("REQUEST_METHOD") != "HEAD" else [b""]

    def _request(self, environ: dict) -> Request:
        method = environ.get("REQUEST_METHOD", "GET")
        length = environ.get("CONTENT_LENGTH") or ""
        if method in ("POST", "PUT") and not length and environ.get("HTTP_TRANSFER_ENCODING") is None:
            raise HttpError(411, "a POST needs a Content-Length header")
        body = environ["wsgi.input"].read(int(length)) if length else b""
        if len(body) > self.max_body:  # waitress answers 413 before this; kept as a second fence
            raise HttpError(413, f"the body is over {self.max_body} bytes")
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}  # fmt: skip
        if "CONTENT_TYPE" in environ:
            headers["content-type"] = environ["CONTENT_TYPE"]
        path = environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
        peer = f"{environ.get('REMOTE_ADDR', '')}:{environ.get('REMOTE_PORT', '')}"  # the socket's
        return Request(method, path, headers, body, peer)

    # -- life -----------------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop serving, close every connection, free the port. Idempotent."""
        if self._closed:
            return
        self._closed = True
        server = self._server
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        if self._slow is not None:
            self._slow.shutdown(cancel_pending=True, timeout=5)
        try:
            server.trigger.pull_trigger(lambda: _close_all(server))
        except OSError:
            _close_all(server)
        self._thread.join(timeout=5)

    def __enter__(self) -> HttpServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HttpServer({self.name}, {self.url})"


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _accept_pending(server) -> None:
    """Accept every connection waiting in the backlog (at most :data:`ACCEPT_BATCH`, and never past the
    connection limit), not one per turn of the event loop as waitress' ``handle_accept`` does.

    Each turn polls every open connection; with 64 clients opening a new connection per request (as
    urllib does), one accept a turn made the last of them wait for 63 turns, each of which may also
    wait for the interpreter lock: that was the tail of the latency under load (issue 15).
    """
    for _ in range(ACCEPT_BATCH):
        if len(server._map) >= server.adj.connection_limit:
            return
        try:
            pair = server.accept()
        except OSError:  # e.g. out of file descriptors: try again next turn
            return
        if pair is None:  # the backlog is empty
            return
        conn, addr = pair
        try:
            server.set_socket_options(conn)
        except OSError:  # the client already left
            conn.close()
            continue
        server.channel_class(server, conn, server.fix_addr(addr), server.adj, map=server._map)


def _route_task(server, slow: ThreadedTaskDispatcher, slow_paths: frozenset[str], channel) -> None:
    """waitress hands a channel with a complete request to ``server.add_task``: send it to the slow
    pool when its (first pending) request is for one of ``slow_paths``, else to the main pool."""
    requests = getattr(channel, "requests", None) or ()
    path = getattr(requests[0], "path", "") if requests else ""
    (slow if path in slow_paths else server.task_dispatcher).add_task(channel)


def _close_all(server) -> None:
    from waitress import wasyncore

    wasyncore.close_all(server._map, ignore_all=True)
