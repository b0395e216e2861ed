"""A deterministic discrete-event network simulator on a virtual clock.

Nodes never sleep and never touch sockets: they hand messages to :meth:`Simulator.send`, which
decides — from each link's latency, jitter and loss, the current partitions and which nodes are up —
whether and when the message arrives, and schedules its delivery as an event. ``run_until(t)`` pops
events in time order (ties broken by the order they were scheduled) and advances the clock to each.
Given the same seed, the same run happens again, message for message: that is what makes the
notebooks' outputs and the reliability tests reproducible.

Messages of a sync stream (``BeaconPacket``, ``SyncStreamEnd``) behave as on drand's gRPC stream
(TCP): they keep their order on each link and a lossy link delays rather than loses them (a crash or
a partition still cuts them); other messages may overtake each other and be lost.

Every message is recorded in :attr:`Simulator.trace` (sent, delivered or dropped and why), for
sequence diagrams and latency plots.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..errors import InvalidInput
from ..rng import Rng, resolve
from .messages import Message, round_of


@dataclass(frozen=True)
class Link:
    """A message takes ``latency ± jitter`` seconds between two nodes; ``loss`` is its drop probability."""

    latency: float = 0.05
    jitter: float = 0.0
    loss: float = 0.0

    def __post_init__(self) -> None:
        if self.latency < 0 or self.jitter < 0 or not 0 <= self.loss <= 1:
            raise InvalidInput(f"invalid link {self}: latency, jitter >= 0 and 0 <= loss <= 1")


@dataclass(frozen=True)
class TraceEntry:
    """One message: who sent what to whom, when, and when it arrived (``None``: dropped, see ``note``)."""

    sent: float
    delivered: float | None
    src: int
    dst: int
    kind: str
    round: int
    note: str = ""


#: ``handler(src, message)``; a handler that returns False refused the message (as a gRPC handler that
#: returns an error): the sender's ``on_result`` then gets False
Handler = Callable[[int, Message], object]
#: The message kinds of a sync stream: delivered in the order they were sent on each link.
STREAM_KINDS = frozenset({"beacon", "sync_end"})


class Simulator:
    """Time, links and delivery for nodes ``0 … n-1``; each node registers a message handler."""

    def __init__(
        self, n: int, *, start: float = 0.0, link: Link | None = None, rng: Rng | None = None
    ) -> None:
        self.n = n
        self._now = float(start)
        self.default_link = link or Link()
        self._links: dict[tuple[int, int], Link] = {}
        self.rng = resolve(rng)
        self._events: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._handlers: dict[int, Handler] = {}
        self.up = [True] * n
        self._partition: list[set[int]] | None = None
        self.trace: list[TraceEntry] = []
        self._stream_tail: dict[tuple[int, int], float] = {}  # last arrival of a stream message per link

    # -- time ---------------------------------------------------------------------------------------
    def now(self) -> float:
        return self._now

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        """Run ``action`` at time ``at`` (not before now)."""
        heapq.heappush(self._events, (max(at, self._now), next(self._sequence), action))

    def run_until(self, until: float) -> int:
        """Process every event due by ``until``, then set the clock to ``until``. Returns events run."""
        count = 0
        while self._events and self._events[0][0] <= until:
            at, _, action = heapq.heappop(self._events)
            self._now = at
            action()
            count += 1
        self._now = max(self._now, until)
        return count

    # -- the network ----------------------------------------------------------------------------------
    def register(self, node: int, handler: Handler) -> None:
        """``handler(src, message)`` is called when a message reaches ``node``."""
        self._handlers[node] = handler

    def set_link(self, a: int, b: int, link: Link) -> None:
        """The link between ``a`` and ``b``, both directions."""
        self._links[(a, b)] = self._links[(b, a)] = link

    def link(self, a: int, b: int) -> Link:
        return self._links.get((a, b), self.default_link)

    def partition(self, *groups: Iterable[int]) -> None:
        """Split the network: messages only flow inside a group. ``heal()`` ends it."""
        self._partition = [set(g) for g in groups]

    def heal(self) -> None:
        self._partition = None

    def crash(self, node: int) -> None:
        """The node stops: it neither sends nor receives until :meth:`restart`."""
        self.up[node] = False

    def restart(self, node: int) -> None:
        self.up[node] = True

    def _separated(self, a: int, b: int) -> bool:
        if self._partition is None:
            return False
        return not any(a in group and b in group for group in self._partition)

    def send(
        self, src: int, dst: int, message: Message, on_result: Callable[[bool], None] | None = None
    ) -> None:
        """Send ``message`` from ``src`` to ``dst``; it arrives after the link's delay, or is dropped.

        ``on_result(ok)``, when given, is what a gRPC call returns to drand's sender: called with True
        when the receiver took the message, with False when it cannot be delivered (a partition or a
        lost message right away, a receiver that is down at arrival) or the receiver's handler returned
        False (it refused it, as drand's ``ProcessPartialBeacon`` answers an error). A sender that is
        down learns nothing."""
        entry = {"sent": self._now, "src": src, "dst": dst, "kind": message.kind, "round": round_of(message)}
        link = self.link(src, dst)
        reason = ""
        if not self.up[src]:
            reason = "sender down"
        elif self._separated(src, dst):
            reason = "partition"
        elif link.loss and message.kind not in STREAM_KINDS and self.rng.random() < link.loss:
            reason = "lost"
        if reason:
            self.trace.append(TraceEntry(delivered=None, note=reason, **entry))
            if on_result is not None and reason != "sender down":
                self.schedule(self._now, lambda: on_result(False))
            return
        delay = link.latency + (self.rng.uniform(-link.jitter, link.jitter) if link.jitter else 0.0)
        arrival = self._now + max(0.0, delay)
        if message.kind in STREAM_KINDS:  # a stream keeps its order, like TCP
            arrival = max(arrival, self._stream_tail.get((src, dst), arrival))
            self._stream_tail[(src, dst)] = arrival
        position = len(self.trace)
        self.trace.append(TraceEntry(delivered=arrival, **entry))

        def deliver() -> None:
            handler = self._handlers.get(dst)
            if not self.up[dst] or handler is None:
                self.trace[position] = TraceEntry(delivered=None, note="receiver down", **entry)
                if on_result is not None:
                    on_result(False)
                return
            taken = handler(src, message)
            if on_result is not None:
                on_result(taken is not False)

        self.schedule(arrival, deliver)

    def broadcast(
        self, src: int, message: Message, on_result: Callable[[int, bool], None] | None = None
    ) -> None:
        """Send to every other node (drand's partial beacons go to the whole group); ``on_result(dst, ok)``
        as in :meth:`send`, per receiver."""
        for dst in range(self.n):
            if dst != src:
                self.send(src, dst, message, None if on_result is None else per_receiver(on_result, dst))


def per_receiver(on_result: Callable[[int, bool], None], dst: int) -> Callable[[bool], None]:
    """``on_result`` with its receiver bound: ``ok -> on_result(dst, ok)``."""
    return lambda ok: on_result(dst, ok)
