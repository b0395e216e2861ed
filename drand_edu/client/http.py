"""Fetching JSON from a drand HTTP endpoint, with a timeout, retries, and our own errors.

Only the standard library (``http.client``): a learner can read every step of a request. Built to
survive a hostile or broken server: one deadline for the whole request, a cap on the body, and any
protocol error (a bad status line, a truncated or endless body, not JSON) becomes a
:class:`~drand_edu.errors.ClientError` with a one-line reason, so the client can go to the next
endpoint.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..errors import ClientError, InvalidInput, parse_json


class NotFound(ClientError):
    """The endpoint answered 404: for a beacon, the round does not exist (yet)."""


@dataclass(frozen=True)
class Response:
    """A decoded JSON answer and how long it took."""

    url: str
    status: int
    body: Any
    headers: dict[str, str]
    seconds: float


#: the largest answer read from an endpoint (a beacon is ~300 bytes, chain info ~500)
MAX_BODY = 1 << 20


def get_json(
    url: str,
    *,
    timeout: float = 5.0,
    retries: int = 1,
    backoff: float = 0.2,
    sleep: Callable[[float], None] = time.sleep,
    max_body: int = MAX_BODY,
) -> Response:
    """GET ``url`` and decode its JSON; retry network errors and 5xx answers ``retries`` times.

    ``timeout`` bounds the *whole* request — connecting, the status line, headers and body — not
    each read: a server that trickles one byte a second is cut off like one that never answers. A
    body over ``max_body`` bytes is refused without being read. A 4xx answer is not retried (asking
    again will not help): 404 raises :class:`NotFound`, other errors :class:`ClientError` with the
    server's message. Every failure is one :class:`ClientError` with a one-line reason.
    """
    last_error = "no attempt made"
    for attempt in range(retries + 1):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        start = time.perf_counter()
        try:
            status, headers, raw = _request(url, timeout, max_body)
        except _Failed as failure:
            last_error = f"{url}: {failure}"
            continue
        elapsed = time.perf_counter() - start
        detail = _detail(raw) if status >= 400 else ""
        if status == 404:
            raise NotFound(f"{url}: 404 not found{detail}")
        if status >= 500:
            last_error = f"{url}: HTTP {status}{detail}"
            continue
        if status != 200:
            raise ClientError(f"{url}: HTTP {status}{detail}")
        try:
            body = parse_json(raw, what="the answer", max_bytes=max_body)
        except InvalidInput as error:
            raise ClientError(f"{url}: the answer is not usable JSON ({error})") from None
        return Response(url, status, body, headers, elapsed)
    raise ClientError(last_error)


class _Failed(Exception):
    """One attempt that got no complete HTTP answer (the reason is the message)."""


def _request(url: str, timeout: float, max_body: int) -> tuple[int, dict[str, str], bytes]:
    """One GET, all of it within ``timeout`` seconds: a timer shuts the socket down at the deadline."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ClientError(f"{url}: not an http(s) URL")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=timeout)
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(timeout, cut)
    timer.daemon = True
    timer.start()
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", target, headers={"User-Agent": f"drand-edu/{__version__}"})
        answer = connection.getresponse()
        length = answer.getheader("Content-Length")
        if length is not None and length.strip().isdigit() and int(length) > max_body:
            raise _Failed(f"the answer is {int(length)} bytes, over the {max_body} accepted")
        raw = answer.read(max_body + 1)
        if expired.is_set():
            raise _Failed(f"no complete answer within {timeout:g} s")
        if len(raw) > max_body:
            raise _Failed(f"the answer is over the {max_body} bytes accepted")
        if length is not None and length.strip().isdigit() and len(raw) < int(length):
            raise _Failed(f"the answer is truncated ({len(raw)} of {int(length)} bytes)")
        headers = {k.lower(): v for k, v in answer.getheaders()}
        return answer.status, headers, raw
    except _Failed:
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        if expired.is_set():
            raise _Failed(f"no complete answer within {timeout:g} s") from None
        reason = " ".join(str(error)[:120].split()) or type(error).__name__
        if isinstance(error, OSError):
            raise _Failed(f"cannot connect ({reason})") from None
        raise _Failed(f"not a valid HTTP answer ({type(error).__name__}: {reason})") from None
    finally:
        timer.cancel()
        connection.close()


def _detail(raw: bytes) -> str:
    text = raw[:300].decode("utf-8", "replace").strip().replace("\n", " ")
    return f" ({text})" if text else ""
