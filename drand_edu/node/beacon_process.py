"""The beacon process: what one node does for one chain, round after round (drand's ``chain/beacon``).

At each round's time the node signs the round's message with its share (through its
:class:`~drand_edu.node.vault.Vault`, drand's ``crypto/vault``) and broadcasts the partial
(``PartialBeaconPacket``). It collects the partials it receives and, as soon as it holds t of the round
it needs next, recovers the group signature and verifies the beacon against the group key before
storing it. drand checks every partial on arrival (``check_each_partial=True`` does the same); by
default we aggregate optimistically and check partials one by one only when the recovered beacon
fails, which needs far fewer pairings and stores exactly the same beacons. It then continues with
the next round — at once, every ``catchup_period``, if the chain is behind the clock (drand's
catch-up after a halt).

A node that finds itself behind (it was down, or a partial arrives for a round far ahead) sends a
``SyncRequest`` to the peer that is ahead, which answers with ``BeaconPacket``s; each synced beacon is
verified, including its link to the previous one, before it is stored. A store never holds an
invalid or forked beacon.
"""

from __future__ import annotations

from collections import defaultdict

from ..chain.beacon import Beacon
from ..chain.verify import verify_beacon
from ..errors import BeaconNotFound, InvalidBeacon, InvalidShare, NotEnoughShares
from ..net.messages import BeaconPacket, Message, PartialBeaconPacket, SyncRequest
from ..net.sim import Simulator
from ..store.base import ChainStore
from ..threshold.poly import PriShare, PubPoly
from ..threshold.tbls import is_valid_partial, partial_index, recover_signature
from .metrics import NodeMetrics
from .vault import Vault

#: Rounds ahead of our head for which partials are kept (older or further ones are dropped).
PARTIALS_WINDOW = 64


class BeaconProcess:
    """One node's round loop on a :class:`~drand_edu.net.sim.Simulator` (or any object with ``now``,
    ``schedule``, ``send``, ``broadcast``)."""

    def __init__(
        self,
        vault: Vault,
        store: ChainStore,
        network: Simulator,
        *,
        catchup_period: float | None = None,
        metrics: NodeMetrics | None = None,
        check_each_partial: bool = False,
        verified: set[tuple[int, bytes, bytes]] | None = None,
    ) -> None:
        #: share, public polynomial, group and chain info: what this process signs and verifies with
        self.vault = vault
        self.info = vault.info
        self.store = store
        self.network = network
        self.catchup_period = self.info.period / 2 if catchup_period is None else catchup_period
        self.metrics = metrics
        self.check_each_partial = check_each_partial
        # (round, signature, previous) already verified: the nodes of one simulation may share it,
        # since verifying the same bytes twice gives the same answer
        self.verified = set() if verified is None else verified
        self.partials: dict[int, dict[int, bytes]] = defaultdict(dict)
        self.rejected_partials = 0
        self.rejected_beacons = 0
        self._catching_up = False
        self._pending_sync: dict[int, Beacon] = {}
        network.register(self.index, self.receive)

    # -- what the vault holds now (a resharing swaps it: Vault.set_info) ----------------------------
    @property
    def index(self) -> int:
        """This node's share index, its place in the group (may change at a resharing)."""
        return self.vault.index

    @property
    def share(self) -> PriShare:
        return self.vault.share

    @property
    def public_poly(self) -> PubPoly:
        return self.vault.public_poly

    @property
    def threshold(self) -> int:
        return self.vault.threshold

    # -- the round loop ---------------------------------------------------------------------------
    def head(self) -> int:
        return self.store.last_round()

    def _previous_signature(self, round_number: int) -> bytes | None:
        """The signature round ``round_number`` links to (chained), ``b""`` (unchained), None if unknown."""
        if not self.info.scheme.chained:
            return b""
        if round_number == 1:
            return self.info.genesis_seed
        try:
            return self.store.get(round_number - 1).signature
        except BeaconNotFound:
            return None

    def tick(self) -> None:
        """Called at each round's time: sign the next round this node needs, and broadcast it."""
        next_round = self.head() + 1
        if self.info.time_of_round(next_round) > self.network.now():
            return
        previous = self._previous_signature(next_round)
        if previous is None:
            return
        message = self.info.scheme.digest(next_round, previous)
        partial = self.vault.sign_partial(message)
        self.partials[next_round][self.index] = partial
        self.network.broadcast(
            self.index, PartialBeaconPacket(next_round, previous, partial, self.info.beacon_id)
        )
        self._try_recover(next_round)

    def receive(self, src: int, message: Message) -> None:
        if isinstance(message, PartialBeaconPacket):
            self._on_partial(src, message)
        elif isinstance(message, SyncRequest):
            for beacon in self.store.cursor(message.from_round):
                packet = BeaconPacket(
                    beacon.round, beacon.signature, beacon.previous_signature, self.info.beacon_id
                )
                self.network.send(self.index, src, packet)
        elif isinstance(message, BeaconPacket):
            self._on_synced(Beacon(message.round, message.signature, message.previous_signature))

    def _on_partial(self, src: int, packet: PartialBeaconPacket) -> None:
        head = self.head()
        if packet.round <= head or packet.round > head + PARTIALS_WINDOW:
            return
        if packet.round > head + 1:
            # someone is signing a round beyond the one we need: we are behind, ask them
            self.network.send(self.index, src, SyncRequest(head + 1, self.info.beacon_id))
        expected_previous = self._previous_signature(packet.round)
        if expected_previous is not None and packet.previous_signature != expected_previous:
            self.rejected_partials += 1  # signs another history than ours: never counts
            return
        message = self.info.scheme.digest(packet.round, packet.previous_signature)
        if self.check_each_partial and not is_valid_partial(
            self.info.scheme, self.public_poly, message, packet.partial_sig
        ):
            self.rejected_partials += 1
            return
        try:
            index = partial_index(packet.partial_sig)
        except InvalidShare:
            self.rejected_partials += 1
            return
        self.partials[packet.round][index] = packet.partial_sig
        self._try_recover(packet.round)

    def _try_recover(self, round_number: int) -> None:
        if round_number != self.head() + 1 or len(self.partials[round_number]) < self.threshold:
            return
        previous = self._previous_signature(round_number)
        if previous is None:
            return
        beacon = self._recover(round_number, previous)
        if beacon is not None:
            self._store(beacon)

    def _recover(self, round_number: int, previous: bytes) -> Beacon | None:
        """Optimistic aggregation: recover from the partials as they are and verify the result once.
        Only if that fails (someone sent a bad partial) check them one by one and drop the bad ones."""
        scheme = self.info.scheme
        message = scheme.digest(round_number, previous)
        for attempt in range(2):
            partials = list(self.partials[round_number].values())
            try:
                signature = recover_signature(
                    scheme, self.public_poly, message, partials, self.threshold, verify=False
                )
            except NotEnoughShares:
                return None
            beacon = Beacon(round_number, signature, previous)
            if self._is_valid(beacon):
                return beacon
            if attempt == 0:
                good = {
                    i: p for i, p in self.partials[round_number].items()
                    if is_valid_partial(scheme, self.public_poly, message, p)
                }  # fmt: skip
                self.rejected_partials += len(self.partials[round_number]) - len(good)
                self.partials[round_number] = good
        return None

    def _is_valid(self, beacon: Beacon) -> bool:
        key = (beacon.round, beacon.signature, beacon.previous_signature)
        if key in self.verified:
            return True
        try:
            verify_beacon(self.info, beacon)
        except InvalidBeacon:
            return False
        self.verified.add(key)
        return True

    def _store(self, beacon: Beacon) -> None:
        if not self._is_valid(beacon):  # never store an invalid beacon
            raise InvalidBeacon(f"round {beacon.round}: refusing to store an invalid beacon")
        self.store.put(beacon)
        if self.metrics is not None:
            self.metrics.beacon_stored(
                beacon.round, self.network.now() - self.info.time_of_round(beacon.round)
            )
        for old in [r for r in self.partials if r <= beacon.round]:
            del self.partials[old]
        self._schedule_catchup()

    def _schedule_catchup(self) -> None:
        """Still behind the clock after storing? Sign the next round after ``catchup_period``."""
        if self._catching_up or self.info.time_of_round(self.head() + 1) > self.network.now():
            return
        self._catching_up = True

        def catch_up() -> None:
            self._catching_up = False
            self.tick()

        self.network.schedule(self.network.now() + self.catchup_period, catch_up)

    def _on_synced(self, beacon: Beacon) -> None:
        if beacon.round <= self.head() or beacon.round > self.head() + PARTIALS_WINDOW * 64:
            return
        # packets may arrive out of order (jitter): keep the early ones until their turn
        self._pending_sync[beacon.round] = beacon
        while (next_beacon := self._pending_sync.pop(self.head() + 1, None)) is not None:
            self._store_synced(next_beacon)
        for old in [r for r in self._pending_sync if r <= self.head()]:
            del self._pending_sync[old]

    def _store_synced(self, beacon: Beacon) -> None:
        """Store a synced beacon after checking its signature and its link to our last one."""
        try:
            expected_previous = self._previous_signature(beacon.round)
            if self.info.scheme.chained and beacon.previous_signature != expected_previous:
                raise InvalidBeacon(f"round {beacon.round}: does not link to our round {beacon.round - 1}")
            if not self._is_valid(beacon):
                raise InvalidBeacon(f"round {beacon.round}: invalid signature")
        except InvalidBeacon:
            self.rejected_beacons += 1
            return
        self.store.put(beacon)
        if self.metrics is not None:
            self.metrics.beacon_stored(
                beacon.round, self.network.now() - self.info.time_of_round(beacon.round)
            )
        self.partials.pop(beacon.round, None)

    def request_sync(self, peer: int) -> None:
        """Ask ``peer`` for every round after our head (after a restart)."""
        self.network.send(self.index, peer, SyncRequest(self.head() + 1, self.info.beacon_id))
