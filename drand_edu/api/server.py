"""drand's public HTTP API, served from chain stores: the endpoints clients (ours, drand-client) read.

Mirrors drand's ``handler/http/server.go``:

=================================  ===========================================================
``GET /chains``                    the chain hashes this server knows, cached for 5 minutes
``GET /info``, ``/{hash}/info``    the chain info JSON (v1), cached for a week
``GET /public/latest``             the newest beacon; ``Expires`` = when the next one is due
``GET /public/{round}``            one beacon, immutable once it exists (cached for a week);
                                   the round after the last one *waits* until it is stored
``GET /health``                    ``{"current": last round, "expected": round due now}``; 503 if
                                   behind; when healthy cacheable until the next round is due
=================================  ===========================================================

The un-prefixed paths serve the *default* chain (beacon id "default", or the only chain); every
chain of a daemon is also served under its hash, as drand v2 does for the several beacon processes
of one daemon. The metrics are *not* here: drand serves them on a listener of their own
(``--metrics``), see :mod:`drand_edu.api.metrics`.

How drand answers a round, in
[`PublicRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L381-L442):
a round due more than one period from now is a 404 that may be cached until it is due; the round
right after the last one drand has seen makes the request wait until that beacon arrives. Nothing
polls: [`getRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L309-L379)
puts the request's channel on a **list of waiters**, and
[`watchWithTimeout`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L217-L270),
which reads the node's own stream of new beacons (a callback on the node's store stack, through
[`PublicRandStream`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_public.go#L148-L165)),
hands each new beacon to every waiter at once and starts a new list. Behind it, the node's gRPC
[`PublicRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_public.go#L43-L121)
waits the same way for the round after its last one, with a one-shot store callback, and gives up
after a period plus one second. Ours is the same mechanism: :class:`_Waiters` registers one callback on
the served store stack (:class:`~drand_edu.store.stack.CallbackStore`); a request for the round after
the last one joins the list, and the write of that beacon wakes every waiter. The wait is bounded
(``wait=``; by default a period plus one second, as ``PublicRand``'s) because our worker threads are
few; drand's HTTP waiter ends only with the request. A bare backend (no store stack over it, which
drand never serves) cannot call back: there, and only there, the request looks at the store again
every :data:`BARE_POLL` seconds until its wait ends. A round not stored that is not due yet is a 404
that nobody may cache; one whose time has passed is a 500, as in drand, where the store's "not found"
reaches ``PublicRand`` as an error. The cache headers of
[`Health`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L540-L587)
(until the next round is due when healthy, ``no-cache`` when not) and of
[`ChainHashes`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L589-L603)
(five minutes) are drand's too. Unlike drand, bad requests get a JSON body ``{"error": "..."}`` so a
learner reads why.

The clock is injectable (``clock=``), so a simulation or a test decides what "now" is. On a virtual
clock a request for the next round does not wait unless ``wait=`` says so (the simulation that would
store it usually runs on the very thread that asked).

The route logic (:class:`PublicAPI`, ``handle(path) -> (status, headers, body)``) knows nothing of
sockets; drand sets up the same routes in
[`New`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L76-L143).
:class:`Server` is the plumbing that serves any such ``handle`` on a port.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo, is_default_beacon_id
from ..errors import BeaconNotFound
from ..net.http_server import Answer, HttpError, HttpServer, Request
from ..node.daemon import Daemon
from ..store.base import ChainStore
from ..store.stack import CallbackStore

#: drand's cache time for immutable answers (info, past beacons): one week.
IMMUTABLE = "public, max-age=604800, immutable"
#: drand's cache time for ``/chains`` (``ChainHashes``): five minutes.
CHAINS_CACHE = "max-age=300"
#: what drand tells caches about a round it does not have (yet)
NOT_YET = "must-revalidate, no-cache, max-age=0"
#: drand's ``catchupExpiryFactor``: when the latest beacon is late, clients retry after period / 2.
CATCHUP_EXPIRY_FACTOR = 2
#: the longest ``max-age`` drand writes for a future round: Go's ``time.Until`` saturates at the largest
#: ``time.Duration`` (2^63 - 1 ns), 9223372036 whole seconds (seen on a real node for round 2^64 - 1)
MAX_AGE_CAP = (2**63 - 1) // 10**9
#: drand's ``PublicRand`` gives up waiting for the next round after a period plus this (seconds)
WAIT_GRACE = 1.0
#: how often a request waiting on a *bare* backend (no callbacks to wake it) looks again (seconds)
BARE_POLL = 0.05
SERVER_NAME = "drand-edu/0.1"
#: worker threads: a request for the next round waits for it (up to a period + 1 s) and holds one
WORKER_THREADS = 32

Handle = Callable[[str], tuple[int, dict[str, str], bytes]]


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


class _Waiters:
    """Requests waiting for the next beacon of one store: drand's ``pending`` list of ``getRand``.

    One callback on the store stack (registered on the first wait, as drand starts its watch on the
    first request) hands each new beacon to every waiter and empties the list; nobody looks at the
    store in a loop. A waiter joins *before* it reads the store again, so a beacon stored in between
    is never missed.
    """

    _ids = itertools.count()

    def __init__(self, store: CallbackStore) -> None:
        self.store = store
        self.name = f"http-api-{next(self._ids)}"
        self._lock = threading.Lock()
        self._pending: list[tuple[threading.Event, list[Beacon]]] = []
        self._hooked = False
        self._closed = False

    def _on_beacon(self, beacon: Beacon | None, closed: bool) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
            if closed:
                self._hooked = False
        for event, slot in pending:
            if beacon is not None:
                slot.append(beacon)
            event.set()

    def wait_for(self, round_number: int, timeout: float) -> Beacon | None:
        """The beacon of ``round_number`` once it is stored, or ``None`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            event, slot = threading.Event(), []
            with self._lock:
                if self._closed:
                    return None
                if not self._hooked:
                    self.store.add_callback(self.name, self._on_beacon)
                    self._hooked = True
                self._pending.append((event, slot))
            try:
                beacon = self.store.get(round_number)  # stored before we joined the list
            except BeaconNotFound:
                beacon = None
            remaining = deadline - time.monotonic()
            if beacon is not None or remaining <= 0 or not event.wait(remaining):
                with self._lock:  # leave the list
                    self._pending = [w for w in self._pending if w[0] is not event]
                return beacon
            for beacon in slot:
                if beacon.round == round_number:
                    return beacon
            if self.store.last_round() >= round_number:  # passed by (a sync wrote several): read it
                try:
                    return self.store.get(round_number)
                except BeaconNotFound:
                    return None
            # an earlier round was written (or the list was closed): join the next list

    def close(self) -> None:
        with self._lock:
            hooked, self._hooked, self._closed = self._hooked, False, True
            pending, self._pending = self._pending, []
        if hooked:
            self.store.remove_callback(self.name)
        for event, _ in pending:
            event.set()


def _look_again(store: ChainStore, round_number: int, timeout: float) -> Beacon | None:
    """Wait for a round on a bare backend, which has no callbacks: look again every :data:`BARE_POLL` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(BARE_POLL)
        try:
            return store.get(round_number)
        except BeaconNotFound:
            pass
    return None


class PublicAPI:
    """The request logic, independent of the socket: ``handle(path) -> (status, headers, body)``.

    ``wait``: the most wall-clock seconds a request for the round after the last one waits for it;
    ``None``: a period plus one second on the wall clock (``clock`` is :func:`time.time`, drand's
    ``PublicRand`` bound), no wait on any other. Call :meth:`close` to take the waiters' callbacks off
    the stores.
    """

    def __init__(
        self,
        chains: Sequence[ServedChain],
        clock: Callable[[], float] = time.time,
        *,
        wait: float | None = None,
    ) -> None:
        self.chains: dict[str, ServedChain] = {}
        self.default: ServedChain | None = None
        for chain in chains:
            self.add(chain)
        self.clock = clock
        self.wait = wait
        #: id of a served chain -> (its store, the newest beacon served, its JSON body): see :meth:`_newest`
        self._newest_cache: dict[int, tuple[ChainStore, Beacon, bytes]] = {}
        self._waiters: dict[int, _Waiters] = {}  # id of a store stack -> its waiters
        self._waiters_lock = threading.Lock()

    def add(self, chain: ServedChain) -> None:
        """Serve one more chain (a daemon's new beacon process, drand's ``AddBeaconHandler``)."""
        self.chains[chain.info.hash_hex] = chain
        default = self.default
        if default is None or (
            is_default_beacon_id(chain.info.beacon_id) and not is_default_beacon_id(default.info.beacon_id)
        ):
            self.default = chain

    # -- routing ----------------------------------------------------------------------------------
    def handle(self, path: str) -> tuple[int, dict[str, str], bytes]:
        parts = path.split("?", 1)[0].split("/")[1:]
        try:
            if "" in parts:  # "/", "/info/", "//info": drand's router (chi) matches none of these
                raise _ApiError(404, f"no such endpoint: {path}")
            if parts == ["chains"]:
                return self._json(200, sorted(self.chains), {"Cache-Control": CHAINS_CACHE})
            chain = self.default
            if len(parts) >= 2 and parts[0] not in ("info", "public", "health"):
                chain = self._chain(parts[0])
                parts = parts[1:]
            if chain is None:  # a daemon before its first DKG: no chain to serve yet
                raise _ApiError(404, "this node serves no chain yet")
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
        if due > now + info.period:  # further ahead than the next round: refused, cacheable until due
            wait = min(int(due - now), MAX_AGE_CAP)
            raise _ApiError(404, f"round {round_number} is in the future (due in {wait} s)",
                            {"Cache-Control": f"public, must-revalidate, max-age={wait}"})  # fmt: skip
        beacon = self._get(chain, round_number)
        if beacon is None and due <= self.clock() and round_number != chain.store.last_round() + 1:
            # a round whose time has come that the store does not hold: drand's getRand asks its store,
            # which fails, and PublicRand answers that error with a 500 (not a 404). The round right after
            # the last one drand waits for instead; when our wait ends first, it is "not yet" (404)
            raise _ApiError(500, f"round {round_number} is due but this node does not have it")
        if beacon is None:
            raise _ApiError(404, f"round {round_number} is not available (yet)", {"Cache-Control": NOT_YET})
        return self._json(
            200, beacon.to_json(), {"Cache-Control": IMMUTABLE, "Last-Modified": _http_date(due)}
        )

    def _get(self, chain: ServedChain, round_number: int) -> Beacon | None:
        """The stored beacon; the round right after the last one is waited for, as drand's ``getRand``
        (on a list of waiters woken by the store stack's callback, never by polling)."""
        store = chain.store
        try:
            return store.get(round_number)
        except BeaconNotFound:
            pass
        last = store.last_round()
        timeout = self._wait_seconds(chain)
        if not (last and round_number == last + 1 and timeout > 0):
            return None
        if isinstance(store, CallbackStore):
            return self._waiters_of(store).wait_for(round_number, timeout)
        return _look_again(store, round_number, timeout)  # a bare backend: nothing can wake us

    def _waiters_of(self, store: CallbackStore) -> _Waiters:
        with self._waiters_lock:
            waiters = self._waiters.get(id(store))
            if waiters is None or waiters.store is not store:
                waiters = self._waiters[id(store)] = _Waiters(store)
            return waiters

    def close(self) -> None:
        """Wake every waiting request and remove the waiters' callbacks from the store stacks."""
        with self._waiters_lock:
            waiters, self._waiters = list(self._waiters.values()), {}
        for waiter in waiters:
            waiter.close()

    def _wait_seconds(self, chain: ServedChain) -> float:
        if self.wait is not None:
            return self.wait
        return chain.info.period + WAIT_GRACE if self.clock is time.time else 0.0

    def _newest(self, chain: ServedChain, now: float) -> tuple[Beacon, bytes] | None:
        """The newest stored beacon and its JSON body, read from the store only when a newer one can
        exist: until the round after the one last served is due, no node can have made it, so the
        answer is the same. Under load every client asks for the same beacon; this way it is read and
        encoded once per round instead of once per request (a store read takes the store's lock: 64
        clients queued on it, each waiting for the interpreter lock, were the tail of the latency)."""
        cached = self._newest_cache.get(id(chain))
        if cached is not None and cached[0] is chain.store:
            if now < chain.info.time_of_round(cached[1].round + 1):
                return cached[1], cached[2]
        beacon = chain.store.last()
        if beacon is None or beacon.round == 0:  # round 0 is the genesis beacon a node's store starts with
            return None
        if cached is None or cached[0] is not chain.store or cached[1] != beacon:
            cached = (chain.store, beacon, json.dumps(beacon.to_json()).encode())
            self._newest_cache[id(chain)] = cached
        return cached[1], cached[2]

    def _latest(self, chain: ServedChain) -> tuple[int, dict[str, str], bytes]:
        info, now = chain.info, self.clock()
        newest = self._newest(chain, now)
        if newest is None:
            raise _ApiError(404, "no beacon yet", {"Cache-Control": NOT_YET})
        beacon, body = newest
        round_time = info.time_of_round(beacon.round)
        next_time = round_time + info.period
        if next_time <= now:  # the next beacon is late: tell caches to retry soon
            next_time = now + info.period / CATCHUP_EXPIRY_FACTOR
        headers = {"Expires": _http_date(next_time), "Last-Modified": _http_date(round_time)}
        remaining = next_time - now
        if 0 < remaining < info.period:
            # drand writes "max-age:N" here (LatestRand in handler/http/server.go); we write the
            # standard "max-age=N" so that real caches understand it.
            headers["Cache-Control"] = f"max-age={math.ceil(remaining)}, public"
        return 200, {"Content-Type": "application/json", **headers}, body

    def _health(self, chain: ServedChain) -> tuple[int, dict[str, str], bytes]:
        current = chain.store.last_round()
        now = self.clock()
        expected = chain.info.round_at(now)
        if current in (expected, expected - 1):
            # cacheable until the round after the expected one is due (whole seconds, like drand)
            until = max(0, int(chain.info.time_of_round(expected + 1) - now))
            headers = {"Cache-Control": f"public, must-revalidate, max-age={until}"}
            return self._json(200, {"current": current, "expected": expected}, headers)
        return self._json(503, {"current": current, "expected": expected}, {"Cache-Control": "no-cache"})

    @staticmethod
    def _json(
        status: int, body: Any, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body).encode()


def _round(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 20 or int(text) >= 2**64:
        raise _ApiError(400, f"{text!r} is not a round number")
    return int(text)


def _http_date(unix_time: float) -> str:
    return formatdate(unix_time, usegmt=True)


class Server:
    """Serves a ``handle(path)`` (a :class:`PublicAPI`'s, the metrics') over HTTP from a background thread.

    Use as a context manager. ``api`` is the object whose ``handle`` is served.
    """

    def __init__(
        self, api: Any, host: str = "127.0.0.1", port: int = 0, *, name: str = "drand-edu-api"
    ) -> None:
        self.api = api
        self._httpd = HttpServer(self._answer, host, port, name=name, server_name=SERVER_NAME,
                                 threads=WORKER_THREADS)  # fmt: skip

    def _answer(self, request: Request) -> Answer:
        if request.method not in ("GET", "HEAD"):
            raise HttpError(405, f"{request.method} is not served here", {"Allow": "GET, HEAD"})
        status, headers, body = self.api.handle(request.path)
        return status, {"Server": SERVER_NAME, "Access-Control-Allow-Origin": "*", **headers}, body

    @property
    def url(self) -> str:
        return self._httpd.url

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran (the server cannot be opened again: start a new one)."""
        return self._httpd.closed

    def close(self) -> None:
        """Stop serving and free the port (a "killed" node, for failover demos); waiting requests end."""
        api_close = getattr(self.api, "close", None)
        if api_close is not None:
            api_close()
        self._httpd.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Server({self.url}, {type(self.api).__name__})"


def serve(
    chains: Sequence[ServedChain] | ServedChain,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    clock: Callable[[], float] = time.time,
    wait: float | None = None,
) -> Server:
    """Serve ``chains`` over HTTP on ``host:port`` (port 0: any free port). Returns the running server.

    The metrics have their own listener: :func:`drand_edu.api.metrics.serve_metrics`.
    """
    if isinstance(chains, ServedChain):
        chains = [chains]
    return Server(PublicAPI(chains, clock, wait=wait), host, port)


def serve_node(
    daemon: Daemon,
    clock: Callable[[], float],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    wait: float | None = None,
) -> Server:
    """Start a daemon's public API (its chain, no metrics), recorded as ``daemon.api``; one that runs already
    is reused. One that was closed behind the daemon's back (``server.close()`` rather than
    ``daemon.stop_api()``) is replaced by a new one, so a notebook cell that starts it can be run again."""
    if daemon.api is None or daemon.api.closed:
        chain = ServedChain(daemon.process.info, daemon.store)
        daemon.api = serve(chain, host=host, port=port, clock=clock, wait=wait)
    return daemon.api
