"""One HTTP GET that ends within its deadline, whatever the server does: the client's and the follower's.

Only the standard library (``http.client``, ``socket``, ``ssl``). A socket timeout bounds each read,
not the request: a server that sends one byte every two seconds never trips a 5 s read timeout and
can hold a caller for as long as it likes. So a timer *shuts the socket down* at the deadline, which
wakes any read blocked on it. The timer holds its own handle on the socket (a duplicate of its file
descriptor, taken right after connecting): ``http.client`` forgets the connection's socket as soon as
``getresponse()`` sees an answer that closes the connection (HTTP/1.0, ``Connection: close``), and
a timer that looked for ``connection.sock`` then found nothing to cut — a dripping HTTP/1.0 body ran
for as long as the server liked.

Two users: :func:`drand_edu.client.http.get_json` (retries, JSON, error statuses), and the follower
of ``drand-edu sync --follow --sync-nodes``, whose command hands it to
:func:`drand_edu.node.sync_http.follow_chain` (the node layer sits below the client and cannot import it).
It lives with the client, which needs nothing but ``chain`` to verify what it fetches.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import urllib.parse
from dataclasses import dataclass

from ..errors import ClientError


class RequestFailed(ClientError):
    """A GET that got no complete HTTP answer: no connection, a broken answer, or the deadline passed."""


@dataclass(frozen=True)
class Fetched:
    """A complete HTTP answer: status, headers (lower-case names) and body (at most ``max_body`` bytes)."""

    status: int
    headers: dict[str, str]
    body: bytes


def http_get(url: str, *, timeout: float, max_body: int, user_agent: str = "drand-edu") -> Fetched:
    """GET ``url``; all of it — connecting, the status line, headers and body — within ``timeout`` s.

    A body over ``max_body`` bytes (announced or read) is refused, as is a body shorter than its
    ``Content-Length``. Every failure is one :class:`RequestFailed` with a one-line reason.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RequestFailed(f"{url}: not an http(s) URL")
    secure = parts.scheme == "https"
    try:
        port = parts.port or (443 if secure else 80)
    except ValueError:
        raise RequestFailed(f"{url}: not a valid port") from None
    cutter = _Cutter(timeout)
    connection: http.client.HTTPConnection | None = None
    raw: socket.socket | None = None
    answer: http.client.HTTPResponse | None = None
    try:
        raw = socket.create_connection((parts.hostname, port), timeout=timeout)
        cutter.hold(raw)
        sock: socket.socket = raw
        if secure:
            sock = ssl.create_default_context().wrap_socket(raw, server_hostname=parts.hostname)
        kind = http.client.HTTPSConnection if secure else http.client.HTTPConnection
        connection = kind(parts.hostname, port, timeout=timeout)
        connection.sock = sock  # connected already: request() sends on it
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", target, headers={"User-Agent": user_agent})
        answer = connection.getresponse()  # may set connection.sock to None: the cutter holds its own
        length = answer.getheader("Content-Length")
        declared = int(length) if length is not None and length.strip().isdigit() else None
        if declared is not None and declared > max_body:
            raise RequestFailed(f"the answer is {declared} bytes, over the {max_body} accepted")
        body = answer.read(max_body + 1)
        if cutter.expired:
            raise RequestFailed(f"no complete answer within {timeout:g} s")
        if len(body) > max_body:
            raise RequestFailed(f"the answer is over the {max_body} bytes accepted")
        if declared is not None and len(body) < declared:
            raise RequestFailed(f"the answer is truncated ({len(body)} of {declared} bytes)")
        return Fetched(answer.status, {k.lower(): v for k, v in answer.getheaders()}, body)
    except RequestFailed:
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        if cutter.expired:
            raise RequestFailed(f"no complete answer within {timeout:g} s") from None
        reason = " ".join(str(error)[:120].split()) or type(error).__name__
        if isinstance(error, OSError):
            raise RequestFailed(f"cannot connect ({reason})") from None
        raise RequestFailed(f"not a valid HTTP answer ({type(error).__name__}: {reason})") from None
    finally:
        cutter.release()
        for part in (answer, connection, raw):  # the answer may hold the socket the connection let go of
            if part is not None:
                part.close()


class _Cutter:
    """A timer that shuts a socket down at the deadline, through a handle of its own on that socket."""

    def __init__(self, timeout: float) -> None:
        self._lock = threading.Lock()
        self._spare: socket.socket | None = None
        self._expired = threading.Event()
        self._timer = threading.Timer(timeout, self._cut)
        self._timer.daemon = True
        self._timer.start()

    @property
    def expired(self) -> bool:
        return self._expired.is_set()

    def hold(self, sock: socket.socket) -> None:
        """Keep a duplicate of ``sock``'s descriptor: shutting it down ends every read on ``sock``."""
        with self._lock:
            self._spare = sock.dup()
            if self._expired.is_set():
                self._shutdown()

    def _cut(self) -> None:
        with self._lock:
            self._expired.set()
            self._shutdown()

    def _shutdown(self) -> None:
        if self._spare is not None:
            with contextlib.suppress(OSError):
                self._spare.shutdown(socket.SHUT_RDWR)

    def release(self) -> None:
        self._timer.cancel()
        with self._lock:
            if self._spare is not None:
                self._spare.close()
                self._spare = None
