"""The real transport: the simulator's interface, on the wall clock, over HTTP between processes.

A :class:`~drand_edu.node.beacon_process.BeaconProcess` only ever calls ``now``, ``schedule``,
``send``, ``broadcast`` and ``register`` on its network. :class:`HttpNetwork` offers exactly those,
so the same node code runs in the simulator (session 6) and as a real process (session 1).

Why HTTP/JSON and not gRPC like drand: the messages are the same (``net.messages``, which follow
drand's protocol.proto), the standard library has both ends, and a learner can watch the traffic with
``curl`` — at the price of a few hundred bytes more per message, which does not matter at one round
every few seconds. Each message is ``POST /protocol`` with the sender's index in ``X-Drand-Edu-From``
(-1 before a node has one: DKG packets name their sender's address instead). ``GET /identity``
answers with the node's address and long-term public key, as drand's ``GetIdentity`` call does: a DKG
leader asks it of every participant it proposes.

**The header is a claim, not an identity**: anyone who reaches the port can write it. So a message
is delivered as *anonymous* (sender :data:`ANONYMOUS`), and only what proves its author counts: a
partial by its own signature, checked against the public share of the index it carries (drand's
[`ProcessPartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L125-L238)
reads that index from the signature, never from the caller); a DKG packet by its sender's key in the
proposal (:mod:`drand_edu.node.dkg_process`). The messages of a sync stream (``sync``, ``beacon``,
``sync_end``) are refused here (400): a running node serves a sync only as the answer to the one who
asked, ``GET /sync`` (:mod:`drand_edu.node.sync_http`), never by pushing beacons to a peer that a
request names — that made one 57-byte request push a whole chain to another member. ``GET /sync``
is served by a pool of workers of its own (:data:`SYNC_THREADS`), so waiting requests never hold the
workers that partials and DKG packets need.

Everything a node does happens on one event thread, in time order, like in the simulator: HTTP
handler threads only queue deliveries, so the node code needs no locks.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import threading
import time
import traceback
import urllib.parse
import urllib.request
from collections.abc import Callable

from ..errors import InvalidInput, parse_json
from .http_server import Answer, BoundedLog, HttpError, HttpServer, Request, json_answer
from .messages import Message, from_bytes, to_bytes
from .sim import per_receiver

Handler = Callable[[int, Message], None]

#: the sender a message is delivered as: nobody in particular (the header proves nothing)
ANONYMOUS = -1
#: what may be POSTed to ``/protocol``: messages that carry their own proof of authorship
POSTED_KINDS = frozenset({"partial", "dkg"})
#: workers for ``GET /sync`` (long polls that may wait), apart from the main pool's
SYNC_THREADS = 4
#: What ``GET /health`` answers while the node listens: gRPC health's ``SERVING`` status, which drand's
#: peer listener sets when it starts (``grpcListener.Start``) and clears when it stops.
HEALTH_SERVING = "SERVING"


class HttpNetwork:
    """One node's side of the network: an HTTP endpoint for its peers and an event thread."""

    def __init__(self, index: int, peers: dict[int, str], host: str = "127.0.0.1", port: int = 0) -> None:
        self.index = index
        self.peers = {i: url.rstrip("/") for i, url in peers.items() if i != index}
        self._events: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._wake = threading.Condition()
        self._handler: Handler | None = None
        self._stopped = False
        self.send_failures = 0
        #: what ``GET /identity`` answers (address, key, scheme); None: 404
        self.identity: dict | None = None
        #: extra GET paths, ``route(request) -> Answer`` (``/sync``: drand's SyncChain, node.sync_http)
        self.get_routes: dict[str, Callable[[Request], Answer]] = {}
        #: with several beacons on this port (a daemon's): beacon id -> its identity, or None
        self.identities: Callable[[str], dict | None] | None = None
        self.log = BoundedLog(f"node{index}")
        self._httpd = HttpServer(self._answer, host, port, name=f"node{index}-http", slow_paths=("/sync",),
                                 slow_threads=SYNC_THREADS)  # fmt: skip
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"node{index}-events")
        self._thread.start()

    @property
    def url(self) -> str:
        return self._httpd.url

    def _answer(self, request: Request) -> Answer:
        """``GET /health``, ``GET /identity`` and ``POST /protocol``: a message is only queued for the
        event thread."""
        path, _, query = request.path.partition("?")
        if request.method == "GET" and path == "/health":
            return json_answer(200, {"status": HEALTH_SERVING})  # answering at all means serving
        if request.method == "GET" and path == "/identity":
            identity = self.identity_of(urllib.parse.parse_qs(query).get("beacon_id", [""])[0])
            if identity is not None:
                return json_answer(200, identity)
        route = self.get_routes.get(path) if request.method == "GET" else None
        if route is not None:
            return route(request)
        if request.method != "POST" or request.path != "/protocol":
            raise HttpError(404, f"no such path: {request.path[:80]}")
        sender_text = request.headers.get("x-drand-edu-from", "")
        if not _is_index(sender_text):
            raise HttpError(400, "X-Drand-Edu-From must be a node index")
        try:
            message = from_bytes(request.body)
        except InvalidInput as error:
            raise HttpError(400, str(error)) from None
        if message.kind not in POSTED_KINDS:
            raise HttpError(400, f"a {message.kind!r} message is not accepted here: a sync is GET /sync")
        self.schedule(time.time(), lambda: self._deliver(ANONYMOUS, message))
        return 204, {}, b""

    def identity_of(self, beacon_id: str = "") -> dict | None:
        """What ``GET /identity?beacon_id=ID`` answers (drand's ``GetIdentity`` names the beacon id)."""
        return self.identities(beacon_id) if self.identities is not None else self.identity

    # -- the simulator's interface -------------------------------------------------------------------
    def now(self) -> float:
        return time.time()

    def register(self, node: int, handler: Handler) -> None:
        self._handler = handler

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        with self._wake:
            heapq.heappush(self._events, (at, next(self._sequence), action))
            self._wake.notify()

    def send(
        self, src: int, dst: int, message: Message, on_result: Callable[[bool], None] | None = None
    ) -> None:
        """POST the message to peer ``dst`` from a short-lived thread (a slow peer never blocks us);
        ``on_result(ok)`` runs on the event thread once the POST went through or failed."""
        url = self.peers.get(dst)
        if url is not None:
            self.post(url, message, on_result=on_result)

    def broadcast(
        self, src: int, message: Message, on_result: Callable[[int, bool], None] | None = None
    ) -> None:
        for peer in self.peers:
            self.send(src, peer, message, None if on_result is None else per_receiver(on_result, peer))

    # -- by address, for the DKG (participants have no index before it) ------------------------------
    def send_to(self, address: str, message: Message) -> None:
        """POST the message to the node listening on ``address`` (``host:port``)."""
        self.post(f"http://{address}", message)

    def post(
        self,
        url: str,
        message: Message,
        sender: int | None = None,
        on_result: Callable[[bool], None] | None = None,
    ) -> None:
        """POST ``message`` to the node at ``url`` from a short-lived thread, as ``sender`` (default:
        our index; a daemon's beacon processes each have their own index on the shared port).
        ``on_result(ok)`` is scheduled on the event thread when the POST went through or failed."""
        sender = self.index if sender is None else sender
        threading.Thread(target=self._post, args=(url, message, sender, on_result), daemon=True).start()

    # -- internals ------------------------------------------------------------------------------------
    def _post(
        self, url: str, message: Message, sender: int, on_result: Callable[[bool], None] | None = None
    ) -> None:
        request = urllib.request.Request(
            url + "/protocol", data=to_bytes(message), method="POST",
            headers={"X-Drand-Edu-From": str(sender), "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=3):
                pass
        except OSError:
            self.send_failures += 1  # the peer is down: it will sync when it comes back
            ok = False
        else:
            ok = True
        if on_result is not None:
            self.schedule(time.time(), lambda: on_result(ok))

    def _deliver(self, sender: int, message: Message) -> None:
        if self._handler is not None:
            self._handler(sender, message)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopped and (not self._events or self._events[0][0] > time.time()):
                    timeout = None if not self._events else max(0.0, self._events[0][0] - time.time())
                    self._wake.wait(timeout)
                if self._stopped:
                    return
                _, _, action = heapq.heappop(self._events)
            try:
                action()
            except Exception as error:  # one failing handler must not silence the node: log it, go on
                where = traceback.extract_tb(error.__traceback__)[-1]
                self.log(f"a handler failed: {type(error).__name__}: {error} "
                         f"({where.filename.rsplit('/', 1)[-1]}:{where.lineno})")  # fmt: skip

    def close(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        self._httpd.close()


def _is_index(text: str) -> bool:
    """``-1`` or a small non-negative integer, in ASCII digits (``'²'.isdigit()`` is true too)."""
    digits = text[1:] if text.startswith("-") else text
    return digits.isascii() and digits.isdigit() and len(digits) <= 6


def fetch_identity(address: str, timeout: float = 3.0, beacon_id: str = "") -> dict:
    """``GET /identity`` of the node listening on ``address`` (for ``beacon_id``, when its daemon runs
    several beacons); :class:`InvalidInput` if unreachable."""
    query = f"?beacon_id={urllib.parse.quote(beacon_id)}" if beacon_id else ""
    try:
        with urllib.request.urlopen(f"http://{address}/identity{query}", timeout=timeout) as answer:
            identity = parse_json(answer.read(65536), what="identity")
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise InvalidInput(f"cannot reach the node at {address}: {error}") from None
    if not isinstance(identity, dict) or not {"address", "key", "scheme"} <= identity.keys():
        raise InvalidInput(f"the node at {address} sent a malformed identity")
    return identity


def check_health(address: str, timeout: float = 3.0) -> None:
    """``GET /health`` of the node listening on ``address``: :class:`InvalidInput` unless it answers
    ``SERVING``.

    Our stand-in for the gRPC health check drand's
    [`grpcClient.Check`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/net/client_grpc.go#L266-L286)
    makes (``healthgrpc.Check``, an error unless the status is ``SERVING``): it says that something
    serves there, not which node it is — that is :func:`fetch_identity`.
    """
    try:
        with urllib.request.urlopen(f"http://{address}/health", timeout=timeout) as answer:
            health = parse_json(answer.read(4096), what="health")
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise InvalidInput(f"cannot reach the node at {address}: {error}") from None
    if not isinstance(health, dict) or health.get("status") != HEALTH_SERVING:
        raise InvalidInput(f"health: {address!r} not serving")
