"""A whole threshold network in one process, on a virtual clock, without the message layer.

``ToyNetwork`` is the smallest thing that behaves like a drand network from the outside: n nodes ran a
DKG (:func:`~drand_edu.threshold.dkg.run_dkg`); at each round's time every node that is up signs a
partial signature, and as soon as t partials exist they are recovered into the beacon, verified
against the group key and stored by every node that is up. Kill nodes and the chain halts below t;
bring them back and the missed rounds are produced at once (drand's catch-up); a node that was down
syncs the rounds it missed from a peer, verifying each before storing it.

What it leaves out on purpose — messages, latency, loss, partitions — is the simulator's job
(``drand_edu.net``); clients, the HTTP API and tlock cannot tell the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import verify_beacon
from ..crypto.schemes import Scheme, scheme_by_id
from ..errors import InvalidInput
from ..rng import Rng
from ..store.base import ChainStore
from ..store.memory import MemoryStore
from ..threshold.dkg import run_dkg
from ..threshold.poly import PriShare, PubPoly
from ..threshold.tbls import recover_signature, sign_partial
from .metrics import NodeMetrics


class VirtualClock:
    """Time that moves only when told to: ``now()``, ``advance(seconds)``; ``sleep`` is ``advance``."""

    def __init__(self, start: float) -> None:
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise InvalidInput("a clock cannot go back")
        self._now += seconds
        return self._now

    sleep = advance

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now:.1f})"


@dataclass
class ToyNode:
    """One node: its DKG share, its own store, and whether it is up."""

    index: int
    share: PriShare = field(repr=False)
    store: ChainStore
    metrics: NodeMetrics = field(repr=False)
    up: bool = True


class ToyNetwork:
    """n nodes with threshold t producing one chain. Build one with :meth:`create`."""

    def __init__(
        self, info: ChainInfo, public_poly: PubPoly, threshold: int, nodes: list[ToyNode], clock: VirtualClock
    ) -> None:
        self.info = info
        self.public_poly = public_poly
        self.threshold = threshold
        self.nodes = nodes
        self.clock = clock
        self._previous: dict[int, bytes] = {0: info.genesis_seed}  # round → signature, for chained links

    @classmethod
    def create(
        cls,
        n: int,
        threshold: int | None = None,
        scheme: Scheme | str = "bls-unchained-g1-rfc9380",
        *,
        period: int = 3,
        genesis_time: int = 1_700_000_000,
        beacon_id: str = "toynet",
        rng: Rng | None = None,
    ) -> ToyNetwork:
        """Run a DKG among ``n`` nodes and set the clock to the genesis time (round 1 is then due)."""
        scheme = scheme_by_id(scheme) if isinstance(scheme, str) else scheme
        outcome = run_dkg(n, threshold, scheme, rng=rng)
        group = outcome.to_group(period, genesis_time, beacon_id=beacon_id)
        info = ChainInfo(
            outcome.group_key.to_bytes(), period, genesis_time, group.get_genesis_seed(), scheme, beacon_id
        )
        clock = VirtualClock(genesis_time)
        nodes = [
            ToyNode(i, outcome.share(i), MemoryStore(), NodeMetrics(beacon_id, clock.now)) for i in range(n)
        ]
        for node in nodes:
            node.metrics.dkg_state("done")
            node.metrics.group(n, outcome.threshold)
        network = cls(info, outcome.public_poly, outcome.threshold, nodes, clock)
        network.run_until(genesis_time)
        return network

    # -- time passes ------------------------------------------------------------------------------
    def run_until(self, unix_time: float) -> list[Beacon]:
        """Advance the clock to ``unix_time`` and produce every round due by then that t up nodes can sign."""
        if unix_time > self.clock.now():
            self.clock.advance(unix_time - self.clock.now())
        produced = []
        while True:
            next_round = self.head() + 1
            if self.info.time_of_round(next_round) > self.clock.now():
                break
            beacon = self._produce(next_round)
            if beacon is None:
                break  # fewer than t nodes up: the chain halts here
            produced.append(beacon)
        return produced

    def advance(self, seconds: float) -> list[Beacon]:
        """``run_until(now + seconds)``."""
        return self.run_until(self.clock.now() + seconds)

    def head(self) -> int:
        """The last round produced by the network (0 before the first)."""
        return max(self._previous)

    def _produce(self, round_number: int) -> Beacon | None:
        up = [node for node in self.nodes if node.up]
        if len(up) < self.threshold:
            return None
        scheme = self.info.scheme
        previous = self._previous[round_number - 1] if scheme.chained else b""
        message = scheme.digest(round_number, previous)
        partials = [sign_partial(scheme, node.share, message) for node in up]
        signature = recover_signature(
            scheme, self.public_poly, message, partials, self.threshold, len(self.nodes)
        )
        beacon = Beacon(round_number, signature, previous)
        verify_beacon(self.info, beacon)  # never store an invalid beacon
        late = self.clock.now() - self.info.time_of_round(round_number)
        for node in up:
            node.store.put(beacon)
            node.metrics.beacon_stored(round_number, late)
        self._previous[round_number] = signature
        return beacon

    # -- faults -----------------------------------------------------------------------------------
    def kill(self, *indices: int) -> None:
        """Stop these nodes: they sign nothing and store nothing until restarted."""
        for index in indices:
            self.nodes[index].up = False

    def restart(self, *indices: int) -> int:
        """Bring nodes back; each syncs what it missed from an up peer, verified. Returns rounds synced."""
        synced = 0
        for index in indices:
            node = self.nodes[index]
            node.up = True
            peer = next((p for p in self.nodes if p.up and p is not node and len(p.store)), None)
            if peer is None:
                continue
            start = node.store.last_round() + 1
            for beacon in peer.store.cursor(start):
                verify_beacon(self.info, beacon)
                node.store.put(beacon)
                node.metrics.beacon_stored(
                    beacon.round, self.clock.now() - self.info.time_of_round(beacon.round)
                )
                synced += 1
        self.run_until(self.clock.now())  # enough nodes again? the halted rounds come now
        return synced

    def status(self) -> list[str]:
        """One line per node: up or down, last stored round."""
        return [
            f"node {n.index}: {'up  ' if n.up else 'DOWN'}  last round {n.store.last_round()}"
            for n in self.nodes
        ]

    def __repr__(self) -> str:
        up = sum(node.up for node in self.nodes)
        return (
            f"ToyNetwork(n={len(self.nodes)}, t={self.threshold}, up={up}, head={self.head()}, "
            f"{self.info.scheme.id}, period={self.info.period}s)"
        )
