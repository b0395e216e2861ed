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

Everything a node does happens on one event thread, in time order, like in the simulator: HTTP
handler threads only queue deliveries, so the node code needs no locks.
"""

from __future__ import annotations

import heapq
import itertools
import json
import threading
import time
import traceback
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..errors import InvalidInput
from .messages import Message, from_bytes, to_bytes

Handler = Callable[[int, Message], None]


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
        network = self

        class Endpoint(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/identity" or network.identity is None:
                    reply_json(self, 404, {"error": f"no such path: {self.path}"})
                else:
                    reply_json(self, 200, network.identity)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                try:
                    sender = int(self.headers["X-Drand-Edu-From"])
                    message = from_bytes(body)
                except (KeyError, ValueError, InvalidInput):
                    self.send_response(400)
                    self.end_headers()
                    return
                network.schedule(time.time(), lambda: network._deliver(sender, message))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer((host, port), Endpoint)
        self._httpd.daemon_threads = True
        self._threads = [
            threading.Thread(target=self._httpd.serve_forever, daemon=True, name=f"node{index}-http"),
            threading.Thread(target=self._run, daemon=True, name=f"node{index}-events"),
        ]
        for thread in self._threads:
            thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # -- the simulator's interface -------------------------------------------------------------------
    def now(self) -> float:
        return time.time()

    def register(self, node: int, handler: Handler) -> None:
        self._handler = handler

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        with self._wake:
            heapq.heappush(self._events, (at, next(self._sequence), action))
            self._wake.notify()

    def send(self, src: int, dst: int, message: Message) -> None:
        """POST the message to peer ``dst`` from a short-lived thread (a slow peer never blocks us)."""
        url = self.peers.get(dst)
        if url is None:
            return
        threading.Thread(target=self._post, args=(url, message), daemon=True).start()

    def broadcast(self, src: int, message: Message) -> None:
        for peer in self.peers:
            self.send(src, peer, message)

    # -- by address, for the DKG (participants have no index before it) ------------------------------
    def send_to(self, address: str, message: Message) -> None:
        """POST the message to the node listening on ``address`` (``host:port``)."""
        threading.Thread(target=self._post, args=(f"http://{address}", message), daemon=True).start()

    # -- internals ------------------------------------------------------------------------------------
    def _post(self, url: str, message: Message) -> None:
        request = urllib.request.Request(
            url + "/protocol", data=to_bytes(message), method="POST",
            headers={"X-Drand-Edu-From": str(self.index), "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=3):
                pass
        except OSError:
            self.send_failures += 1  # the peer is down: it will sync when it comes back

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
            except Exception:  # one failing handler must not silence the node: log it, go on
                traceback.print_exc()

    def close(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        self._httpd.shutdown()
        self._httpd.server_close()


def reply(
    handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    """Send one whole HTTP answer from a request handler: status, headers, length, body."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def reply_json(handler: BaseHTTPRequestHandler, status: int, value: object) -> None:
    """:func:`reply` with ``value`` as JSON."""
    reply(handler, status, json.dumps(value).encode(), {"Content-Type": "application/json"})


def fetch_identity(address: str, timeout: float = 3.0) -> dict:
    """``GET /identity`` of the node listening on ``address``; :class:`InvalidInput` if unreachable."""
    try:
        with urllib.request.urlopen(f"http://{address}/identity", timeout=timeout) as answer:
            identity = json.loads(answer.read())
    except (OSError, ValueError) as error:
        raise InvalidInput(f"cannot reach the node at {address}: {error}") from None
    if not isinstance(identity, dict) or not {"address", "key", "scheme"} <= identity.keys():
        raise InvalidInput(f"the node at {address} sent a malformed identity")
    return identity
