"""Syncing: how a running node catches up from its peers, and how it serves a sync to others.

**The sync manager** (drand's ``internal/chain/beacon/sync_manager.go``). A node that finds itself
behind does not know who is ahead — there is no "most advanced peer" anywhere. It asks the group's
nodes **one at a time, in shuffled order**
([`SyncManager.Sync`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L341-L368)
walks ``rand.Perm`` of the peers and stops at the first that brings it to the target). With one peer
([`tryNode`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L375-L524))
it opens a stream from its last round + 1, verifies each beacon that arrives and puts it through the
store stack — whose append and scheme layers refuse a gap or a broken link — and gives up on that
peer at the first bad beacon or when the stream ends. Requests come from the beacon process (a tick
that finds the chain behind the clock, or a recovered beacon ahead of it);
[`SyncManager.Run`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L132-L197)
starts a new sync for a request only when none is running or when **nothing arrived for two periods**
(``syncExpiryFactor`` = 2): a silent peer is abandoned that way, and the next sync reshuffles.
:class:`SyncManager` is that, driven by messages and the (virtual) clock instead of goroutines.

**Serving a sync** ([`SyncChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L546-L653)):
refuse when the store's last round is below the requested one; otherwise send what the store has
from there, then register a store callback (one per requester, ``SyncChain-<addr>``: a new request
replaces the old stream) that sends every new beacon — the stream **keeps following the chain** until
the requester goes away. :func:`serve_sync` is that, over any ``send``.

:class:`BatchSync` is ours, not drand's: a one-shot pull of chunks from :class:`BeaconSource`\\ s
(peers' stores, HTTP endpoints) with one batched pairing check per chunk, for syncing thousands of
rounds into a store that is not a running node's (``drand-edu sync``, notebook 7).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..chain.batch import verify_batch
from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import is_valid_beacon, link_problems, verify_chain
from ..errors import StoreError
from ..net.messages import BeaconPacket, SyncRequest, SyncStreamEnd
from ..rng import Rng, resolve
from ..store.base import ChainStore
from ..store.check import BeaconSource
from ..store.stack import BeaconAlreadyStored, CallbackStore

log = logging.getLogger(__name__)

#: drand's ``syncExpiryFactor``: a sync that received nothing for this many periods is replaced.
SYNC_EXPIRY_FACTOR = 2


@dataclass
class _Session:
    """One sync: the request's target and the shuffled peers still to try."""

    up_to: int  # 0: follow forever
    order: list[int]
    peer: int | None = None


class SyncManager:
    """drand's sync manager for node ``index``: one sync at a time, one peer at a time.

    ``send(dst, message)`` reaches a peer; ``clock()`` is the node's (virtual) time; ``verify(beacon)``
    says whether a beacon's signature is right (the beacon process's, which remembers what it checked).
    Beacons go into ``store``, the node's store stack. ``rng`` shuffles the peers (seed it in simulations).
    """

    def __init__(
        self,
        index: int,
        info: ChainInfo,
        store: ChainStore,
        send: Callable[[int, object], None],
        clock: Callable[[], float],
        *,
        verify: Callable[[Beacon], bool] | None = None,
        rng: Rng | None = None,
    ) -> None:
        self.index = index
        self.info = info
        self.store = store
        self.send = send
        self.clock = clock
        self.verify = verify or (lambda beacon: is_valid_beacon(info, beacon))
        self.rng = resolve(rng)
        self.session: _Session | None = None
        self.last_progress = float("-inf")  # drand's lastRoundTime
        self.synced = 0  # beacons stored by sync
        self.syncs_started = 0
        self.peers_tried: list[int] = []  # every peer asked, in order (for notebooks and tests)
        self.log: list[str] = []  # what happened, in words

    # -- requests (drand's SendSyncRequest + Run) ---------------------------------------------------
    def send_sync_request(self, up_to: int, peers: Sequence[int], why: str = "") -> None:
        """Sync up to round ``up_to`` (0: follow forever) from ``peers``, unless a live sync is running.

        ``why`` names the caller in the log when this request starts a sync (the start-up catch-up, a
        tick behind the clock…).
        """
        if self.clock() < self.info.genesis_time:
            return  # nothing to sync before the chain starts (drand's Run waits for genesis)
        if up_to > 0 and self.store.last_round() >= up_to:
            return  # the request is already filled
        stalled = self.clock() > self.last_progress + SYNC_EXPIRY_FACTOR * self.info.period
        if self.session is not None and not stalled:
            return  # a sync is running and making progress
        if self.session is not None:
            self._note(f"nothing synced for {SYNC_EXPIRY_FACTOR} periods: restarting the sync")
            self._cancel_stream()
        self.last_progress = self.clock()
        if why:
            self._note(f"{why}: sync up to round {up_to}" if up_to else f"{why}: follow the chain")
        order = [p for p in self.rng.sample(list(peers), len(peers)) if p != self.index]
        self.session = _Session(up_to, order)
        self.syncs_started += 1
        self._try_next()

    def _try_next(self) -> None:
        session = self.session
        if session is None:
            return
        if not session.order:
            self._note("tried every peer without success")
            self.session = None
            return
        session.peer = session.order.pop(0)
        self.peers_tried.append(session.peer)
        from_round = self.store.last_round() + 1
        self._note(f"asking node {session.peer} for rounds from {from_round}")
        self.send(session.peer, SyncRequest(from_round, self.info.beacon_id))

    def _cancel_stream(self) -> None:
        if self.session is not None and self.session.peer is not None:
            self.send(self.session.peer, SyncStreamEnd(False, "cancelled", self.info.beacon_id))

    def _fail_peer(self, why: str) -> None:
        self._note(f"node {self.session.peer}: {why}; next peer")
        self._cancel_stream()
        self._try_next()

    def stop(self) -> None:
        """Drop the running sync (the node stops)."""
        self.session = None

    # -- the stream (drand's tryNode loop) ---------------------------------------------------------
    def on_beacon(self, src: int, packet: BeaconPacket) -> None:
        session = self.session
        if session is None or src != session.peer:
            # a stream we no longer want (it was replaced, or is from an earlier sync): close it
            self.send(src, SyncStreamEnd(False, "not syncing from you", self.info.beacon_id))
            return
        if packet.beacon_id != self.info.beacon_id:
            return self._fail_peer(f"wrong beacon id {packet.beacon_id!r}")
        beacon = Beacon(packet.round, packet.signature, packet.previous_signature)
        if not self.verify(beacon):
            return self._fail_peer(f"round {beacon.round} has an invalid signature")
        try:
            self.store.put(beacon)
        except BeaconAlreadyStored:
            # the aggregator stored it first (drand: "race with aggregation")
            if beacon.round == session.up_to:
                return self._done()
            return self._fail_peer(f"round {beacon.round} was already stored")
        except StoreError as exc:
            return self._fail_peer(str(exc))
        self.synced += 1
        self.last_progress = self.clock()
        if beacon.round == session.up_to:
            self._done()

    def _done(self) -> None:
        self._note(f"synced up to round {self.session.up_to} from node {self.session.peer}")
        self._cancel_stream()
        self.session = None

    def on_stream_end(self, src: int, message: SyncStreamEnd) -> None:
        if self.session is not None and src == self.session.peer:
            self.session.peer = None  # it is closed already: nothing to cancel
            self._note(f"node {src} ended the stream ({message.reason})")
            self._try_next()

    def _note(self, text: str) -> None:
        self.log.append(f"t={self.clock() - self.info.genesis_time:.1f}s node {self.index}: {text}")
        log.debug("sync %s", self.log[-1])

    @property
    def syncing(self) -> bool:
        return self.session is not None


def serve_sync(
    store: CallbackStore,
    requester: object,
    request: SyncRequest,
    send: Callable[[object], None],
) -> bool:
    """Answer ``request`` from ``requester`` as drand's ``SyncChain``: history, then every new beacon.

    Returns False (and ends the stream) when the store's last round is below ``request.from_round``.
    The stream is the store callback ``SyncChain-<requester>``; :func:`stop_serving` removes it.
    """
    beacon_id = request.beacon_id

    def packet(beacon: Beacon) -> BeaconPacket:
        return BeaconPacket(beacon.round, beacon.signature, beacon.previous_signature, beacon_id)

    last = store.last_round()
    if last < request.from_round:
        send(SyncStreamEnd(True, f"no beacon stored above {last} < {request.from_round}", beacon_id))
        return False
    if request.from_round != 0:
        history = store.cursor(request.from_round)
        first = next(history, None)
        if first is not None and first.round == request.from_round:  # drand's Seek: that round or nothing
            send(packet(first))
            for beacon in history:
                send(packet(beacon))

    def follow(beacon: Beacon | None, closed: bool) -> None:
        if closed:
            send(SyncStreamEnd(True, "callback replaced", beacon_id))
        else:
            send(packet(beacon))

    store.add_callback(f"SyncChain-{requester}", follow)
    return True


def stop_serving(store: CallbackStore, requester: object) -> None:
    """The requester went away (cancelled, or its connection broke): stop its stream."""
    store.remove_callback(f"SyncChain-{requester}")


# -- ours: batch sync into a store that is not a running node's -----------------------------------
@dataclass
class SyncReport:
    """What a batch sync did: rounds stored, and which sources were dropped and why."""

    stored: int = 0
    rejected: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


class BatchSync:
    """Sync ``store`` of the chain ``info`` from ``sources`` in verified chunks (ours, not drand's).

    Each chunk is checked before it is written: every signature (one by one, or one batched pairing
    check per chunk) and every link to the round before, starting from what the store already trusts,
    its own last beacon. A source that sends anything invalid is dropped and the next one is tried;
    the store only ever grows by verified beacons, and an interrupted sync resumes from its last round.
    """

    def __init__(
        self,
        info: ChainInfo,
        store: ChainStore,
        sources: Sequence[BeaconSource],
        *,
        chunk: int = 500,
        batch: bool = True,
        workers: int = 1,
        rng: Rng | None = None,
    ) -> None:
        self.info = info
        self.store = store
        self.sources = list(sources)
        self.chunk = chunk
        self.batch = batch
        self.workers = workers
        self.rng = rng

    def sync(self, target: int, progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Fetch and store every round up to ``target``; ``progress(done, target)`` after each chunk."""
        report = SyncReport()
        sources = list(self.sources)
        while self.store.last_round() < target and sources:
            start = self.store.last_round() + 1
            end = min(target, start + self.chunk - 1)
            source = sources[0]
            beacons = list(source.beacons(start, end))
            problem = self._problem(start, end, beacons)
            if problem:
                report.rejected.append(f"{type(source).__name__} #{self.sources.index(source)}: {problem}")
                sources.pop(0)  # never ask a lying or lagging source again in this sync
                continue
            if hasattr(self.store, "put_many"):
                self.store.put_many(beacons)
            else:
                for beacon in beacons:
                    self.store.put(beacon)
            report.stored += len(beacons)
            if progress:
                progress(self.store.last_round(), target)
        return report

    def _problem(self, start: int, end: int, beacons: list[Beacon]) -> str:
        """Why this chunk cannot be stored, or "" when every beacon in it is valid and linked."""
        if [b.round for b in beacons] != list(range(start, end + 1)):
            return f"asked for rounds {start}–{end}, got {len(beacons)} beacons with gaps or extras"
        anchor = [self.store.get(start - 1)] if start > 1 else []
        if (
            self.info.scheme.chained
            and start == 1
            and beacons[0].previous_signature != self.info.genesis_seed
        ):
            return "round 1 does not link to the genesis seed"
        broken = link_problems(self.info, anchor + beacons)
        if broken:
            return f"a beacon does not link to the one before it ({broken[0]})"
        if self.batch:
            bad = verify_batch(self.info, beacons, rng=self.rng, workers=self.workers)
            return f"invalid signatures in rounds {bad[:5]}" if bad else ""
        problems = verify_chain(self.info, beacons)
        return str(problems[0]) if problems else ""
