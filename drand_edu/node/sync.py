"""The sync manager: bring a store up to date from peers, verifying everything.

Like drand's ``chain/beacon/sync_manager.go``, a (re)joining node asks peers for the rounds after
its last one and checks each chunk before writing it: every signature (one by one, or batched: one
pairing check per chunk) and every link to the round before, starting from what it already trusts,
its own last beacon. A peer that sends anything invalid is dropped and the next one is tried; the
store only ever grows by verified beacons. Because it always restarts from ``store.last_round()``,
an interrupted sync simply resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..chain.batch import verify_batch
from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import link_problems, verify_chain
from ..rng import Rng
from ..store.base import ChainStore
from ..store.check import BeaconSource


@dataclass
class SyncReport:
    """What a sync did: rounds stored, and which sources were dropped and why."""

    stored: int = 0
    rejected: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


class SyncManager:
    """Sync ``store`` of the chain ``info`` from ``sources`` (peers' stores, HTTP endpoints…)."""

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
