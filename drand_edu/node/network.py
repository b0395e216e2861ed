"""A local drand network on the simulator: a DKG, then n beacon processes exchanging real messages.

``LocalNetwork.create(n, t, ...)`` runs the DKG (:func:`~drand_edu.threshold.dkg.run_dkg`), gives
each node its share, a store and metrics, and wires every :class:`BeaconProcess` to one
:class:`~drand_edu.net.sim.Simulator`. Every period, at the round's time, each node that is up ticks.
Crash nodes, partition them, slow their links: the chain halts below t and resumes, lagging nodes
sync — exactly the behaviour the notebooks show, on a virtual clock.

Each node stores its chain the way a drand node does: through the store stack
(:mod:`drand_edu.store.stack`) over a backend — SQLite in memory, trimmed (drand v2's default
embedded store), or ``db="memdb"``: drand's ring of the last ``memdb_size`` beacons, kept in memory
only, so a memdb node that crashes comes back without its beacons: as drand's, it fetches the current
round from its peers and goes on from there, the history is gone. A node that is
behind syncs through its own :class:`~drand_edu.node.sync.SyncManager`: it never learns which peer is
ahead: :meth:`LocalNetwork.restart` calls :meth:`~drand_edu.node.beacon_process.BeaconProcess.catchup`,
drand's [`Handler.Catchup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L277-L286)
(sync up to the next round from the whole group). (The network object itself sees everything —
:meth:`LocalNetwork.head` is the view of an
observer, for pictures, not something a node knows.)

**One shortcut, said plainly:** the nodes share one :class:`~drand_edu.node.verifier.SharedVerifier`,
so each distinct partial and beacon is verified once per network and each round's signature
recovered once, instead of once per node as in a real drand network. Every node still asks about
every partial before caching it and gets the verdict its own check would give (``shared_verifier=False``
makes each node do all the work itself; the tests compare the two).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..crypto.schemes import Scheme, scheme_by_id
from ..net.sim import Link, Simulator
from ..rng import Rng, resolve
from ..store.base import ChainStore
from ..store.memory import MEMDB_DEFAULT_SIZE, MemoryStore
from ..store.sqlite import SQLiteStore
from ..store.stack import genesis_beacon
from ..threshold.dkg import run_dkg
from ..threshold.lifecycle import Status
from .beacon_process import BeaconProcess
from .daemon import Daemon
from .key_store import FileStore
from .metrics import NodeMetrics
from .sync import stop_serving
from .vault import Vault
from .verifier import SharedVerifier


def backend(kind: str, info: ChainInfo, memdb_size: int = MEMDB_DEFAULT_SIZE) -> ChainStore:
    """A node's backend: ``"sqlite"`` (in memory, trimmed), ``"sqlite-untrimmed"``, or ``"memdb"``."""
    if kind == "memdb":
        return MemoryStore(memdb_size)
    if kind in ("sqlite", "sqlite-untrimmed"):
        return SQLiteStore(":memory:", trimmed=kind == "sqlite", genesis_seed=info.genesis_seed,
                           chained=info.scheme.chained)  # fmt: skip
    raise ValueError(f"unknown store {kind!r}: sqlite, sqlite-untrimmed or memdb")


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
        db: str | list[str] = "sqlite",
        memdb_size: int = MEMDB_DEFAULT_SIZE,
        shared_verifier: bool = True,
    ) -> LocalNetwork:
        """``db``: ``"sqlite"`` (in memory, trimmed), ``"sqlite-untrimmed"``, ``"memdb"``, or one per node.

        ``shared_verifier``: the nodes share one :class:`~drand_edu.node.verifier.SharedVerifier`
        (each check done once per network, not once per node: same verdicts, much faster); with
        ``False`` every node checks everything itself, as real drand nodes do.
        """
        rng = resolve(rng)
        scheme = scheme_by_id(scheme) if isinstance(scheme, str) else scheme
        outcome = run_dkg(n, threshold, scheme, rng=rng)
        group = outcome.to_group(period, genesis_time, beacon_id=beacon_id)
        info = ChainInfo.from_group(group)
        sim = Simulator(n, start=genesis_time, link=link or Link(latency=0.05, jitter=0.02), rng=rng)
        processes = []
        shared = SharedVerifier() if shared_verifier else None  # the simulator's shortcut (see verifier.py)
        kinds = [db] * n if isinstance(db, str) else list(db)
        for i in range(n):
            metrics = NodeMetrics(beacon_id, sim.now)
            metrics.dkg_state(Status.COMPLETE)
            metrics.group(n, outcome.threshold)
            processes.append(
                BeaconProcess(
                    Vault(group, outcome.share(i), info),
                    backend(kinds[i], info, memdb_size), sim, metrics=metrics, verifier=shared,
                    peers=list(range(n)), group_size=n, rng=random.Random(f"{info.hash_hex}/{i}"),
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
        """Run the next ``rounds`` round ticks, then half a period more for their last messages.

        In a healthy network the head advances by exactly ``rounds`` per call: from genesis,
        ``run_rounds(3)`` ends with round 3 stored everywhere (round 1's tick is at genesis time).
        """
        if rounds < 0:
            raise ValueError(f"cannot run {rounds} rounds")
        if rounds:
            last_tick = self._next_tick + (rounds - 1) * self.info.period
            self.run_until(last_tick + self.info.period / 2)

    # -- faults -------------------------------------------------------------------------------------
    def crash(self, *indices: int) -> None:
        """Stop nodes: they neither send nor receive; their caches, syncs and served streams are gone."""
        for index in indices:
            self.sim.crash(index)
            self.processes[index].stop()
            for other in self.processes:  # the streams they were fed by broke with the connection
                if other.index != index:
                    stop_serving(other.store, index)

    def restart(self, *indices: int) -> None:
        """Bring nodes back; each syncs up to the next round from peers, shuffled (drand's ``Catchup``).

        A memdb node comes back with an empty ring: drand's memdb lives in the process's memory
        (``internal/chain/memdb``), so what it held died with the crash. Like drand's
        [`newBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L402-L454)
        for a memdb node, it does not sync the history again: it first asks its peers for the
        current round (:meth:`_store_current_from_peers`), stores that one beacon directly in the
        ring, and syncs only from there. SQLite nodes keep their file, as drand's bolt and postgres
        nodes keep theirs, and sync from their last round.
        """
        for index in indices:
            self.sim.restart(index)
            process = self.processes[index]
            if isinstance(process.backend, MemoryStore):
                ring = MemoryStore(process.backend.size)
                self._store_current_from_peers(index, ring)
                process.reopen_store(ring)
            process.catchup()

    def _store_current_from_peers(self, index: int, ring: ChainStore) -> Beacon | None:
        """drand's ``storeCurrentFromPeerNetwork`` for a memdb node that starts: the current round from
        a peer, verified, put straight into the bare ring (under the store stack, which is built after).

        [`storeCurrentFromPeerNetwork`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L508-L565)
        computes the current round from the local clock; below round 2 it does nothing (a fresh
        start). It asks every peer for that round at once
        ([`loadBeaconFromPeers`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L567-L628),
        the first answer wins); when no peer has it, it asks for the latest round instead; a latest
        round 0 stores the genesis beacon. With no answer at all the node starts from the genesis
        beacon and syncs (drand's "Reverting to synced startup"). Returns the beacon stored, if any.

        Simulator shortcut: the question and the answers do not travel over the simulated links; a
        peer that is down or cut off by a partition does not answer, the others answer at once, and
        the lowest index counts as the first. drand refuses to start when the answer does not
        verify; our simulated peers are honest, and an answer that does not verify is skipped.
        """
        process = self.processes[index]
        target = self.info.round_at(self.sim.now())
        if target < 2:
            return None
        peers = [p for p in self.processes if p.index != index and self.sim.up[p.index]
                 and not self.sim._separated(index, p.index)]  # fmt: skip
        answer = next((p.store.get(target) for p in peers if target in p.store), None)
        if answer is None:  # errNoRoundInPeers: the latest round of the first peer that answers
            answer = next((p.store.last() for p in peers if p.store.last() is not None), None)
        if answer is None:
            return None  # no peer answered: synced startup from the genesis beacon
        if answer.round == 0:
            answer = genesis_beacon(self.info)
        elif not process._is_valid(answer):
            return None
        ring.put(answer)
        return answer

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
            f"stored {len(p.store) - (0 in p.store):4}  rejected partials {p.rejected_partials}"
            for p in self.processes
        ]

    def chain(self, node: int | None = None) -> list[Beacon]:
        """The beacons of the most advanced node (or of ``node``)."""
        process = self.processes[node] if node is not None else max(self.processes, key=lambda p: p.head())
        return list(process.store.cursor(1))  # from round 1: round 0 is the genesis beacon

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
