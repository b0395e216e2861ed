"""A local drand network on the simulator: a DKG, then n beacon processes exchanging real messages.

``LocalNetwork.create(n, t, ...)`` runs the DKG (:func:`~drand_edu.threshold.dkg.run_dkg`), gives
each node its share, a store and metrics, and wires every :class:`BeaconProcess` to one
:class:`~drand_edu.net.sim.Simulator`. Every period, at the round's time, each node that is up ticks.
Crash nodes, partition them, slow their links: the chain halts below t and resumes, lagging nodes
sync — exactly the behaviour the notebooks show, on a virtual clock.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..crypto.schemes import Scheme, scheme_by_id
from ..net.sim import Link, Simulator
from ..rng import Rng, resolve
from ..store.memory import MemoryStore
from ..threshold.dkg import run_dkg
from .beacon_process import BeaconProcess
from .daemon import Daemon
from .key_store import FileStore
from .metrics import NodeMetrics
from .vault import Vault


class LocalNetwork:
    """n nodes of one chain on a simulator. Build with :meth:`create`; drive with :meth:`run_until`."""

    def __init__(
        self,
        info: ChainInfo,
        sim: Simulator,
        processes: list[BeaconProcess],
        daemons: list[Daemon] | None = None,
    ) -> None:
        self.info = info
        self.sim = sim
        self.processes = processes
        self.daemons = daemons or []
        self._next_tick = info.genesis_time
        self.sim.schedule(self._next_tick, self._tick_all)

    @classmethod
    def create(
        cls,
        n: int,
        threshold: int | None = None,
        scheme: Scheme | str = "bls-unchained-g1-rfc9380",
        *,
        period: int = 3,
        genesis_time: int = 1_700_000_000,
        beacon_id: str = "localnet",
        link: Link | None = None,
        rng: Rng | None = None,
    ) -> LocalNetwork:
        rng = resolve(rng)
        scheme = scheme_by_id(scheme) if isinstance(scheme, str) else scheme
        outcome = run_dkg(n, threshold, scheme, rng=rng)
        group = outcome.to_group(period, genesis_time, beacon_id=beacon_id)
        info = ChainInfo.from_group(group)
        sim = Simulator(n, start=genesis_time, link=link or Link(latency=0.05, jitter=0.02), rng=rng)
        processes = []
        verified: set[tuple[int, bytes, bytes]] = set()  # shared: identical bytes verify identically
        for i in range(n):
            metrics = NodeMetrics(beacon_id, sim.now)
            metrics.dkg_state("done")
            metrics.group(n, outcome.threshold)
            processes.append(
                BeaconProcess(
                    Vault(group, outcome.share(i), info),
                    MemoryStore(),
                    sim,
                    metrics=metrics,
                    verified=verified,
                )
            )
        daemons = []
        for i, process in enumerate(processes):
            keys = outcome.keys[i]
            key_store = FileStore(
                scheme, keys.secret, keys.public.to_bytes(), outcome.share(i), group, beacon_id
            )
            daemons.append(Daemon(key_store, process))
        return cls(info, sim, processes, daemons)

    # -- time ---------------------------------------------------------------------------------------
    def _tick_all(self) -> None:
        for process in self.processes:
            if self.sim.up[process.index]:
                process.tick()
        self._next_tick += self.info.period
        self.sim.schedule(self._next_tick, self._tick_all)

    def run_until(self, unix_time: float) -> None:
        self.sim.run_until(unix_time)

    def now(self) -> float:
        """The virtual time (Unix seconds)."""
        return self.sim.now()

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of virtual time pass (a client's ``sleep`` on this network)."""
        self.run_until(self.sim.now() + seconds)

    def head(self) -> int:
        """The most advanced node's last round."""
        return max(self.heads())

    def run_rounds(self, rounds: int) -> None:
        """Run until ``rounds`` more periods have passed (plus a little, for the last messages)."""
        self.run_until(self.sim.now() + rounds * self.info.period + self.info.period / 2)

    # -- faults -------------------------------------------------------------------------------------
    def crash(self, *indices: int) -> None:
        for index in indices:
            self.sim.crash(index)

    def restart(self, *indices: int) -> None:
        """Bring nodes back; each asks the most advanced up peer for the rounds it missed."""
        for index in indices:
            self.sim.restart(index)
            peers = [p for p in self.processes if p.index != index and self.sim.up[p.index]]
            if peers:
                self.processes[index].request_sync(max(peers, key=lambda p: p.head()).index)

    def stop_apis(self) -> None:
        """Stop every node's public API (started with ``drand_edu.api.serve_node``)."""
        for daemon in self.daemons:
            daemon.stop_api()

    # -- looking at it ------------------------------------------------------------------------------
    def heads(self) -> list[int]:
        return [p.head() for p in self.processes]

    def status(self) -> list[str]:
        return [
            f"node {p.index}: {'up  ' if self.sim.up[p.index] else 'DOWN'}  last round {p.head():4}  "
            f"stored {len(p.store):4}  rejected partials {p.rejected_partials}"
            for p in self.processes
        ]

    def chain(self, node: int | None = None) -> list[Beacon]:
        """The beacons of the most advanced node (or of ``node``)."""
        process = self.processes[node] if node is not None else max(self.processes, key=lambda p: p.head())
        return list(process.store.cursor())

    def export(self, folder: str | Path) -> tuple[Path, Path]:
        """Write ``info.json`` and ``beacons.json`` in drand's JSON (``drand-edu verify`` reads them)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        info_path, beacons_path = folder / "info.json", folder / "beacons.json"
        info_path.write_text(json.dumps(self.info.to_json(), indent=1) + "\n")
        beacons_path.write_text(json.dumps([b.to_json() for b in self.chain()], indent=1) + "\n")
        return info_path, beacons_path

    def __repr__(self) -> str:
        up = sum(self.sim.up)
        return (
            f"LocalNetwork(n={len(self.processes)}, t={self.processes[0].threshold}, up={up}, "
            f"heads={self.heads()}, {self.info.scheme.id}, t={self.sim.now() - self.info.genesis_time:.1f}s)"
        )
