"""Fetching JSON from a drand HTTP endpoint, with a timeout, retries, and our own errors.

Only the standard library (``http.client``, through :func:`drand_edu.client.http_get.http_get`): a
learner can read every step of a request. Built to survive a hostile or broken server: one deadline
for the whole request (a timer that shuts the socket down, even one that ``http.client`` has let go
of), a cap on the body, and any protocol error (a bad status line, a truncated or endless body, not
JSON) becomes a :class:`~drand_edu.errors.ClientError` with a one-line reason, so the client can go
to the next endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..errors import ClientError, InvalidInput, parse_json
from .http_get import RequestFailed, http_get


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
            fetched = http_get(url, timeout=timeout, max_body=max_body, user_agent=f"drand-edu/{__version__}")
        except RequestFailed as failure:
            last_error = f"{url}: {failure}"
            continue
        status, headers, raw = fetched.status, fetched.headers, fetched.body
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


def _detail(raw: bytes) -> str:
    text = raw[:300].decode("utf-8", "replace").strip().replace("\n", " ")
    return f" ({text})" if text else ""
