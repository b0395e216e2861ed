"""An in-memory chain store: a dict of beacons. Fast, and gone when the process ends."""

from __future__ import annotations

from collections.abc import Iterator

from ..chain.beacon import Beacon
from ..errors import BeaconNotFound
from .base import ChainStore, check_same


class MemoryStore(ChainStore):
    """Keeps every beacon in a dict keyed by round (drand has a similar one for tests)."""

    def __init__(self) -> None:
        self._beacons: dict[int, Beacon] = {}
        self._last: Beacon | None = None

    def put(self, beacon: Beacon) -> None:
        existing = self._beacons.get(beacon.round)
        if existing is not None:
            check_same(existing, beacon)
            return
        self._beacons[beacon.round] = beacon
        if self._last is None or beacon.round > self._last.round:
            self._last = beacon

    def delete(self, round_number: int) -> None:
        """Remove a round (used by repair, before storing the right beacon)."""
        self._beacons.pop(round_number, None)
        self._last = self._beacons[max(self._beacons)] if self._beacons else None

    def get(self, round_number: int) -> Beacon:
        try:
            return self._beacons[round_number]
        except KeyError:
            raise BeaconNotFound(f"round {round_number} is not in the store") from None

    def last(self) -> Beacon | None:
        return self._last

    def __len__(self) -> int:
        return len(self._beacons)

    def cursor(self, start: int = 0, end: int | None = None) -> Iterator[Beacon]:
        for round_number in sorted(self._beacons):
            if round_number < start:
                continue
            if end is not None and round_number > end:
                break
            yield self._beacons[round_number]
