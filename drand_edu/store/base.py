"""The chain store: where a node keeps the beacons it has produced or synced.

drand calls this ``chain.Store``: the interface
[`Store`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/store.go#L15-L26)
lists ``Len``, ``Put``, ``Last``, ``Get``, ``Cursor``, ``Close`` and ``Del``; our :class:`ChainStore` has the
same methods (``cursor`` is a Python iterator instead of a callback). Every backend (:class:`MemoryStore`,
drand's memdb; :class:`SQLiteStore`, our stand-in for bolt) implements it, and so does every layer of the
store stack that a node writes through (:mod:`drand_edu.store.stack`), so the beacon process, the sync
manager and the HTTP API never know which one they talk to. A store does not verify signatures:
whoever calls :meth:`ChainStore.put` must have verified the beacon first (drand does the same).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from ..chain.beacon import Beacon
from ..errors import BeaconNotFound, StoreError


class ChainStore(ABC):
    """Beacons of one chain, keyed by round. A backend's ``put`` is idempotent for an identical beacon."""

    #: the ``db_type`` label and value of the ``drand_node_db`` metric (set by each backend)
    db_type = "unknown"
    metric_code = 0

    @abstractmethod
    def put(self, beacon: Beacon) -> None:
        """Store ``beacon``. Storing the same beacon twice is a no-op; a *different* beacon for a
        round already stored raises :class:`StoreError` (a store never forks)."""

    @abstractmethod
    def get(self, round_number: int) -> Beacon:
        """The beacon of ``round_number``; :class:`BeaconNotFound` if absent."""

    @abstractmethod
    def last(self) -> Beacon | None:
        """The beacon with the highest round, or ``None`` for an empty store."""

    @abstractmethod
    def __len__(self) -> int:
        """How many beacons are stored."""

    @abstractmethod
    def cursor(self, start: int = 0, end: int | None = None) -> Iterator[Beacon]:
        """Beacons with ``start <= round <= end`` (``end=None``: to the last), in round order."""

    @abstractmethod
    def delete(self, round_number: int) -> None:
        """Remove a round, if present. Only repair uses it: a store is otherwise append-only."""

    def close(self) -> None:  # noqa: B027 - optional hook, most stores have nothing to release
        """Release files or connections. Further use is an error."""

    def __contains__(self, round_number: object) -> bool:
        if not isinstance(round_number, int):
            return False
        try:
            self.get(round_number)
        except BeaconNotFound:
            return False
        return True

    def last_round(self) -> int:
        """Round of the last stored beacon: 0 when only the genesis beacon (round 0) is stored, or nothing."""
        last = self.last()
        return 0 if last is None else last.round

    def __enter__(self) -> ChainStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_same(existing: Beacon, new: Beacon) -> None:
    """Raise :class:`StoreError` when ``new`` would overwrite a different stored beacon."""
    if existing != new:
        raise StoreError(f"round {new.round} is already stored with a different signature; refusing to fork")
