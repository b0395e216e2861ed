"""drand's ``memdb``: an in-memory ring of the last N beacons (``--db memdb --memdb-size N``).

drand's memdb keeps a sorted slice of at most ``bufferSize`` beacons and cuts the oldest off after
every write. Its
[`NewStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/memdb/store.go#L26-L37)
panics below 10 (:data:`MEMDB_MIN_SIZE`), and the
[`memDBSizeFlag`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L283-L288)
defaults to 2000 (:data:`MEMDB_DEFAULT_SIZE`); :class:`MemoryStore` takes the same ``size``. It is meant
for nodes that do not want a disk: they can produce the
chain and serve recent rounds, but **not history**: a round that fell off the ring is gone, so such
a node cannot answer ``/public/5`` a day later, nor serve a sync from round 1 to a newcomer (it has
nothing to send from there; the newcomer must ask another peer).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from ..chain.beacon import Beacon
from ..errors import BeaconNotFound, StoreError
from .base import ChainStore, check_same

#: drand's ``--memdb-size`` default (``internal/drand-cli/cli.go``, ``memDBSizeFlag``).
MEMDB_DEFAULT_SIZE = 2000
#: drand refuses a smaller buffer (``internal/chain/memdb/store.go``, ``NewStore``).
MEMDB_MIN_SIZE = 10


class MemoryStore(ChainStore):
    """The last ``size`` beacons, in round order; writing one more drops the oldest.

    Like drand's memdb it accepts a round out of order (it sorts) and ignores a round it already has;
    unlike drand's, it refuses a *different* beacon for a stored round instead of ignoring it.
    Gaps and order are the store stack's business (:mod:`drand_edu.store.stack`), not the backend's.
    """

    db_type = "memdb"
    #: drand's ``drand_node_db`` value for memdb (``chain.MemDBMetrics``).
    metric_code = 3

    def __init__(self, size: int = MEMDB_DEFAULT_SIZE) -> None:
        if size < MEMDB_MIN_SIZE:
            raise StoreError(f"a memdb buffer cannot be smaller than {MEMDB_MIN_SIZE} beacons, got {size}")
        self.size = size
        self._beacons: dict[int, Beacon] = {}
        self._rounds: list[int] = []  # sorted

    def put(self, beacon: Beacon) -> None:
        existing = self._beacons.get(beacon.round)
        if existing is not None:
            check_same(existing, beacon)
            return
        self._beacons[beacon.round] = beacon
        bisect.insort(self._rounds, beacon.round)
        while len(self._rounds) > self.size:  # the ring is full: the oldest round falls off
            del self._beacons[self._rounds.pop(0)]

    def delete(self, round_number: int) -> None:
        """Remove a round (used by repair, before storing the right beacon)."""
        if self._beacons.pop(round_number, None) is not None:
            self._rounds.remove(round_number)

    def get(self, round_number: int) -> Beacon:
        try:
            return self._beacons[round_number]
        except KeyError:
            raise BeaconNotFound(f"round {round_number} is not in the store") from None

    def last(self) -> Beacon | None:
        return self._beacons[self._rounds[-1]] if self._rounds else None

    def first_round(self) -> int | None:
        """The oldest round still in the ring (``None`` when empty)."""
        return self._rounds[0] if self._rounds else None

    def __len__(self) -> int:
        return len(self._rounds)

    def cursor(self, start: int = 0, end: int | None = None) -> Iterator[Beacon]:
        for round_number in self._rounds[bisect.bisect_left(self._rounds, start):]:
            if end is not None and round_number > end:
                break
            beacon = self._beacons.get(round_number)
            if beacon is not None:  # None: it fell off the ring while we were reading
                yield beacon

    def __repr__(self) -> str:
        return f"MemoryStore(memdb, {len(self)}/{self.size} beacons)"
