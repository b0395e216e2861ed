"""drand's public HTTP API, served from a chain store: the endpoints clients (ours, drand-client) read.

Mirrors drand's ``internal/http/server.go``:

=================================  ===========================================================
``GET /chains``                    the chain hashes this server knows
``GET /info``, ``/{hash}/info``    the chain info JSON (v1), cached for a week
``GET /public/latest``             the newest beacon; ``Expires`` = when the next one is due
``GET /public/{round}``            one beacon, immutable once it exists (cached for a week)
``GET /health``                    ``{"current": last round, "expected": round due now}``; 503 if behind
``GET /metrics``                   the node's Prometheus metrics (when given a ``NodeMetrics``)
=================================  ===========================================================

The un-prefixed paths serve the *default* chain (beacon id "default", or the only chain). A round
that is not produced yet gets 404, with a cache time up to its due date when it is in the future.
Unlike drand, bad requests get a JSON body ``{"error": "..."}`` so a learner reads why.

The clock is injectable (``clock=``), so a simulation or a test decides what "now" is.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST

from ..chain.info import ChainInfo, is_default_beacon_id
from ..errors import BeaconNotFound, InvalidInput
from ..net.http_transport import reply
from ..node.daemon import Daemon
from ..node.metrics import NodeMetrics
from ..store.base import ChainStore

#: drand's cache time for immutable answers (info, past beacons): one week.
IMMUTABLE = "public, max-age=604800, immutable"
#: drand's ``catchupExpiryFactor``: when the latest beacon is late, clients retry after period / 2.
CATCHUP_EXPIRY_FACTOR = 2
SERVER_NAME = "drand-edu/0.1"


@dataclass
class ServedChain:
    """One chain behind the API: its info and the store its beacons are read from."""

    info: ChainInfo
    store: ChainStore


class _ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class PublicAPI:
    """The request logic, independent of the socket: ``handle(path) -> (status, headers, body)``."""

    def __init__(
        self,
        chains: Sequence[ServedChain],
        clock: Callable[[], float] = time.time,
        metrics: NodeMetrics | None = None,
    ) -> None:
        if not chains:
            raise InvalidInput("the API needs at least one chain to serve")
        self.chains = {chain.info.hash_hex: chain for chain in chains}
        defaults = [c for c in chains if is_default_beacon_id(c.info.beacon_id)]
        self.default = (defaults or list(chains))[0]
        self.clock = clock
        self.metrics = metrics

    # -- routing ----------------------------------------------------------------------------------
    def handle(self, path: str) -> tuple[int, dict[str, str], bytes]:
        parts = [p for p in path.split("?", 1)[0].split("/") if p]
        try:
            if parts == ["chains"]:
                return self._json(200, sorted(self.chains))
            if parts == ["metrics"] and self.metrics is not None:
                return 200, {"Content-Type": CONTENT_TYPE_LATEST}, self.metrics.exposition()
            chain = self.default
            if len(parts) >= 2 and parts[0] not in ("info", "public", "health"):
                chain = self._chain(parts[0])
                parts = parts[1:]
            if parts == ["info"]:
                return self._json(200, chain.info.to_json(), {"Cache-Control": IMMUTABLE,
                                  "Last-Modified": _http_date(chain.info.genesis_time)})  # fmt: skip
            if parts == ["health"]:
                return self._health(chain)
            if len(parts) == 2 and parts[0] == "public":
                if parts[1] == "latest":
                    return self._latest(chain)
                return self._public(chain, _round(parts[1]))
            raise _ApiError(404, f"no such endpoint: {path}")
        except _ApiError as err:
            return self._json(err.status, {"error": str(err)}, err.headers)

    def _chain(self, chain_hash: str) -> ServedChain:
        try:
            bytes.fromhex(chain_hash)
        except ValueError:
            raise _ApiError(400, f"{chain_hash!r} is not a hex chain hash") from None
        chain = self.chains.get(chain_hash.lower())
        if chain is None:
            raise _ApiError(404, f"unknown chain {chain_hash}")
        return chain

    # -- endpoints --------------------------------------------------------------------------------
    def _public(self, chain: ServedChain, round_number: int) -> tuple[int, dict[str, str], bytes]:
        if round_number == 0:
            return self._latest(chain)
        info, now = chain.info, self.clock()
        due = info.time_of_round(round_number)
        if due > now + info.period:
            wait = int(due - now)
            raise _ApiError(404, f"round {round_number} is in the future (due in {wait} s)",
                            {"Cache-Control": f"public, must-revalidate, max-age={wait}"})  # fmt: skip
        try:
            beacon = chain.store.get(round_number)
        except BeaconNotFound:
            raise _ApiError(404, f"round {round_number} is not available (yet)",
                            {"Cache-Control": "must-revalidate, no-cache, max-age=0"}) from None  # fmt: skip
        return self._json(
            200, beacon.to_json(), {"Cache-Control": IMMUTABLE, "Last-Modified": _http_date(due)}
        )

    def _latest(self, chain: ServedChain) -> tuple[int, dict[str, str], bytes]:
        beacon = chain.store.last()
        if beacon is None:
            raise _ApiError(404, "no beacon yet", {"Cache-Control": "must-revalidate, no-cache, max-age=0"})
        info, now = chain.info, self.clock()
        round_time = info.time_of_round(beacon.round)
        next_time = round_time + info.period
        if next_time <= now:  # the next beacon is late: tell caches to retry soon
            next_time = now + info.period / CATCHUP_EXPIRY_FACTOR
        headers = {"Expires": _http_date(next_time), "Last-Modified": _http_date(round_time)}
        remaining = next_time - now
        if 0 < remaining < info.period:
            # drand writes "max-age:N" here (internal/http/server.go, LatestRand); we write the
            # standard "max-age=N" so that real caches understand it.
            headers["Cache-Control"] = f"max-age={math.ceil(remaining)}, public"
        return self._json(200, beacon.to_json(), headers)

    def _health(self, chain: ServedChain) -> tuple[int, dict[str, str], bytes]:
        current = chain.store.last_round()
        expected = chain.info.round_at(self.clock())
        healthy = current in (expected, expected - 1)
        headers = {"Cache-Control": "public, must-revalidate, max-age=1" if healthy else "no-cache"}
        return self._json(200 if healthy else 503, {"current": current, "expected": expected}, headers)

    @staticmethod
    def _json(
        status: int, body: Any, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body).encode()


def _round(text: str) -> int:
    if not text.isdigit() or len(text) > 20 or int(text) >= 2**64:
        raise _ApiError(400, f"{text!r} is not a round number")
    return int(text)


def _http_date(unix_time: float) -> str:
    return formatdate(unix_time, usegmt=True)


class Server:
    """A running HTTP server for a :class:`PublicAPI` (a background thread). Use as a context manager."""

    def __init__(self, api: PublicAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        self.api = api

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = api.handle(self.path)
                common = {"Server": SERVER_NAME, "Access-Control-Allow-Origin": "*"}
                reply(self, status, body, {**common, **headers})

            def log_message(self, *args: object) -> None:  # keep notebooks and test output clean
                pass

        self._httpd = ThreadingHTTPServer((host, port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="drand-edu-api", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        """Stop serving and free the port (a "killed" node, for failover demos)."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Server({self.url}, chains={len(self.api.chains)})"


def serve(
    chains: Sequence[ServedChain] | ServedChain,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    clock: Callable[[], float] = time.time,
    metrics: NodeMetrics | None = None,
) -> Server:
    """Serve ``chains`` over HTTP on ``host:port`` (port 0: any free port). Returns the running server.

    With ``metrics`` the node's Prometheus metrics are served at ``/metrics`` too.
    """
    if isinstance(chains, ServedChain):
        chains = [chains]
    return Server(PublicAPI(chains, clock, metrics), host, port)


def serve_node(
    daemon: Daemon, clock: Callable[[], float], *, host: str = "127.0.0.1", port: int = 0
) -> Server:
    """Start a daemon's public API: its chain and ``/metrics``. Recorded as ``daemon.api``."""
    if daemon.api is None:
        chain = ServedChain(daemon.process.info, daemon.store)
        daemon.api = serve(chain, host=host, port=port, clock=clock, metrics=daemon.metrics)
    return daemon.api
