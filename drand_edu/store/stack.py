"""drand's store stack: the layers every *new* beacon a node writes goes through, over a backend.

drand does not write new beacons into bolt (or memdb) directly. Its chain store wraps the backend in
layers, each a ``chain.Store`` itself, built in
[`newChainStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L51-L73)
from the inside out; a write passes them from the outside in::

    CallbackStore   after a successful write, tell whoever listens (the sync streams it serves, the API)
      AppendStore   the round must be last + 1; the same beacon again is "already stored", another is refused
        SchemeStore   chained scheme: previous_signature must equal the last stored signature
          DiscrepancyStore   how late the beacon is against its round's time: the metrics
            backend   memdb ring or SQLite (our bolt), trimmed by default

[`appendStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/store.go#L58-L88)
refuses a gap and returns ``ErrBeaconAlreadyStored`` for a duplicate; our :class:`AppendStore` raises
:class:`BeaconAlreadyStored`, which callers (the aggregator, the sync manager) treat as "fine, nothing
to do". [`schemeStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/store.go#L112-L140)
checks the link on drand's one chained scheme and clears the previous signature on the others: our
:class:`SchemeStore`. [`discrepancyStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/store.go#L159-L198)
reads the clock before writing and sets ``beacon_discrepancy_latency``, ``last_beacon_round``,
``group_size`` and ``group_threshold``: our :class:`DiscrepancyStore`.
[`callbackStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/store.go#L231-L257)
calls every registered callback after a write (never for round 0): our :class:`CallbackStore`, where
serving a sync (:func:`drand_edu.node.sync.serve_sync`) hooks in to keep a stream following the chain.

The stack starts from the genesis beacon: drand's
[`NewHandler`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L71-L94)
puts ``GenesisBeacon(seed)`` — round 0, the genesis seed as its signature — into the backend before
building the layers, so the append layer always has a "last" and round 1 links to the seed.
:func:`new_chain_store` does the same. Reads pass through every layer unchanged.

Three writes go beside the layers, into the bare backend: the genesis beacon (above); a memdb node's
first beacon at start, the current round fetched from a peer
([`storeCurrentFromPeerNetwork`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L508-L565),
ours in :meth:`drand_edu.node.network.LocalNetwork.restart`); and a re-sync's corrections: the sync
manager is given both the finished stack and the bare backend
([`NewSyncManager`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L75-L89)),
and [`tryNode`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L480-L502)
writes a re-synced beacon to the bare one (``insecureStore``), a synced new one through the stack
(ours: :func:`drand_edu.store.check.correct_past_beacons` writes to the store it is given, the bare
file). drand's follow mode builds a shorter stack of its own, callbacks over scheme over the backend
([`StartFollowChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L263-L396)).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..errors import StoreError
from .base import ChainStore

log = logging.getLogger(__name__)

#: ``fn(beacon, closed)``: drand's ``CallbackFunc``; ``closed=True`` (beacon ``None``) when replaced.
Callback = Callable[[Beacon | None, bool], None]


class BeaconAlreadyStored(StoreError):
    """drand's ``ErrBeaconAlreadyStored``: this very beacon is already the last one. Harmless."""


def genesis_beacon(info: ChainInfo) -> Beacon:
    """Round 0: the genesis seed as its signature (drand's ``chain.GenesisBeacon``)."""
    return Beacon(0, info.genesis_seed)


class StoreLayer(ChainStore):
    """A store around another one: reads go straight through, :meth:`put` adds the layer's rule."""

    def __init__(self, inner: ChainStore) -> None:
        self.inner = inner

    def put(self, beacon: Beacon) -> None:
        self.inner.put(beacon)

    def get(self, round_number: int) -> Beacon:
        return self.inner.get(round_number)

    def last(self) -> Beacon | None:
        return self.inner.last()

    def __len__(self) -> int:
        return len(self.inner)

    def cursor(self, start: int = 0, end: int | None = None) -> Iterator[Beacon]:
        return self.inner.cursor(start, end)

    def delete(self, round_number: int) -> None:
        self.inner.delete(round_number)

    def close(self) -> None:
        self.inner.close()

    @property
    def backend(self) -> ChainStore:
        """The store at the bottom of the stack."""
        inner = self.inner
        return inner.backend if isinstance(inner, StoreLayer) else inner

    @property
    def db_type(self) -> str:  # type: ignore[override]
        return self.backend.db_type

    @property
    def metric_code(self) -> int:  # type: ignore[override]
        return self.backend.metric_code

    def layers(self) -> list[str]:
        """The layers' names, outermost first, ending with the backend."""
        inner = self.inner
        below = inner.layers() if isinstance(inner, StoreLayer) else [repr(inner)]
        return [type(self).__name__, *below]


class _LastTracking(StoreLayer):
    """A layer that remembers the last beacon written (drand's ``last`` field), under a lock."""

    def __init__(self, inner: ChainStore) -> None:
        super().__init__(inner)
        self._last = inner.last()
        if self._last is None:
            raise StoreError(f"{type(self).__name__} needs a store holding at least the genesis beacon")
        self._lock = threading.Lock()

    def delete(self, round_number: int) -> None:
        with self._lock:
            self.inner.delete(round_number)
            self._last = self.inner.last()


class AppendStore(_LastTracking):
    """Only the next round goes in: ``round == last + 1``. drand's ``appendStore``."""

    def put(self, beacon: Beacon) -> None:
        with self._lock:
            last = self._last
            if beacon.round == last.round:
                if beacon == last:
                    raise BeaconAlreadyStored(f"beacon value already stored: round {beacon.round}")
                raise StoreError(f"round {beacon.round} is already stored with other bytes; refusing to fork")
            if beacon.round != last.round + 1:
                raise StoreError(f"invalid round inserted: last {last.round}, new {beacon.round}")
            self.inner.put(beacon)
            self._last = beacon


class SchemeStore(_LastTracking):
    """Chained scheme: the previous signature must be the last stored signature. drand's ``schemeStore``.

    On unchained schemes the previous signature is dropped before storing (drand sets it to nil).
    drand checks the link only for its default scheme (``pedersen-bls-chained``), the one chained scheme.
    """

    def __init__(self, inner: ChainStore, chained: bool) -> None:
        super().__init__(inner)
        self.chained = chained

    def put(self, beacon: Beacon) -> None:
        with self._lock:
            if self.chained:
                if beacon.previous_signature != self._last.signature:
                    raise StoreError(
                        f"invalid previous signature for round {beacon.round}: it does not link to "
                        f"round {self._last.round}"
                    )
            elif beacon.previous_signature:
                beacon = replace(beacon, previous_signature=b"")
            self.inner.put(beacon)
            self._last = beacon


class DiscrepancyStore(StoreLayer):
    """Times each write against its round's due time and sets the metrics. drand's ``discrepancyStore``."""

    def __init__(
        self,
        inner: ChainStore,
        info: ChainInfo,
        *,
        clock: Callable[[], float] = time.time,
        metrics: Any = None,
        group: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(inner)
        self.info = info
        self.clock = clock
        self.metrics = metrics  # a NodeMetrics, or None
        self.group = group  # (size, threshold), set on every write as drand does
        self.last_discrepancy: float | None = None  # seconds, of the last write

    def put(self, beacon: Beacon) -> None:
        actual = self.clock()  # read before writing: the storage time must not count
        self.inner.put(beacon)
        self.last_discrepancy = actual - self.info.time_of_round(beacon.round)
        if self.metrics is not None:
            self.metrics.beacon_stored(beacon.round, self.last_discrepancy)
            if self.group is not None:
                self.metrics.group(*self.group)


class CallbackStore(StoreLayer):
    """After each successful write (round > 0), call every registered callback. drand's ``callbackStore``.

    drand runs each callback on its own goroutine with a queue; we call them in registration order,
    synchronously (on the simulator and the node's event thread that keeps the order without threads).
    A callback that raises is logged and the others still run.
    """

    def __init__(self, inner: ChainStore) -> None:
        super().__init__(inner)
        self._callbacks: dict[str, Callback] = {}
        self._lock = threading.RLock()

    def put(self, beacon: Beacon) -> None:
        self.inner.put(beacon)
        if beacon.round == 0:
            return
        with self._lock:
            callbacks = list(self._callbacks.items())
        for name, callback in callbacks:
            try:
                callback(beacon, False)
            except Exception:
                log.exception("store callback %s failed on round %d", name, beacon.round)

    def add_callback(self, name: str, callback: Callback) -> None:
        """Register ``callback`` under ``name``; one already there is told ``closed=True`` and replaced."""
        with self._lock:
            old = self._callbacks.get(name)
            self._callbacks[name] = callback
        if old is not None:
            old(None, True)

    def remove_callback(self, name: str) -> None:
        with self._lock:
            self._callbacks.pop(name, None)

    def callbacks(self) -> list[str]:
        """The names of the registered callbacks."""
        with self._lock:
            return list(self._callbacks)


def new_chain_store(
    info: ChainInfo,
    backend: ChainStore,
    *,
    clock: Callable[[], float] = time.time,
    metrics: Any = None,
    group: tuple[int, int] | None = None,
) -> CallbackStore:
    """drand's stack over ``backend``: genesis beacon first, then discrepancy, scheme, append, callbacks.

    ``metrics`` (a :class:`~drand_edu.node.metrics.NodeMetrics`) also learns which backend this is
    (``drand_node_db``).
    """
    genesis = genesis_beacon(info)
    if backend.last() is None or 0 not in backend:
        backend.put(genesis)
    if metrics is not None and hasattr(metrics, "storage"):
        metrics.storage(backend.db_type, backend.metric_code)
    discrepancy = DiscrepancyStore(backend, info, clock=clock, metrics=metrics, group=group)
    scheme = SchemeStore(discrepancy, info.scheme.chained)
    return CallbackStore(AppendStore(scheme))
