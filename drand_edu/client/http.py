"""Fetching JSON from a drand HTTP endpoint, with a timeout, retries, and our own errors.

Only the standard library (``urllib``): a learner can read every step of a request.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..errors import ClientError


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


def get_json(
    url: str,
    *,
    timeout: float = 5.0,
    retries: int = 1,
    backoff: float = 0.2,
    sleep: Callable[[float], None] = time.sleep,
) -> Response:
    """GET ``url`` and decode its JSON; retry network errors and 5xx answers ``retries`` times.

    A 4xx answer is not retried (asking again will not help): 404 raises :class:`NotFound`,
    other errors :class:`ClientError` with the server's message.
    """
    last_error = "no attempt made"
    for attempt in range(retries + 1):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(url, headers={"User-Agent": f"drand-edu/{__version__}"})
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                raw = answer.read()
                elapsed = time.perf_counter() - start
                headers = {k.lower(): v for k, v in answer.headers.items()}
                status = answer.status
        except urllib.error.HTTPError as exc:
            detail = _error_detail(exc)
            if exc.code == 404:
                raise NotFound(f"{url}: 404 not found{detail}") from None
            last_error = f"{url}: HTTP {exc.code}{detail}"
            if exc.code < 500:
                raise ClientError(last_error) from None
            continue
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last_error = f"{url}: cannot connect ({reason})"
            continue
        try:
            body = json.loads(raw)
        except ValueError:
            raise ClientError(f"{url}: the answer is not JSON") from None
        return Response(url, status, body, headers, elapsed)
    raise ClientError(last_error)


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(300).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""
