"""The beacon process: what one node does for one chain, round after round (drand's ``chain/beacon``).

**Writes go through drand's store stack.** The process is given a backend and builds
:func:`~drand_edu.store.stack.new_chain_store` over it, genesis beacon first, as drand's ``NewHandler``
does; every beacon it aggregates or syncs goes through the callback, append, scheme and discrepancy
layers, so a gap, a fork or a broken link can never reach the backend.

It signs through its :class:`~drand_edu.node.vault.Vault` (drand's ``crypto/vault``: share, public
polynomial, group and chain info, swapped at a resharing's transition).

**Each tick** (:meth:`BeaconProcess.tick`, drand's ticker case in
[`Handler.run`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L388-L424)):
sign the round after our last beacon and broadcast the partial
([`broadcastNextPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L468-L508));
if ``last + 1 < current round`` we are behind the clock: ask the sync manager to sync up to the
current round.

**A partial from a peer** (:meth:`BeaconProcess.receive`, drand's
[`ProcessPartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L125-L238)):
refused if its round is more than one ahead of our clock's current round (clock drift is allowed one
round), ignored if we already stored that round, refused if its index names no node of our group file
or our own index — both *before* any pairing — and then **verified** against the signer's public share
before anything else keeps it. Verified partials go to the aggregator
([`runAggregator`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L149-L301)):
it caches them only for rounds ``last < r <= last + 1 + 3`` (``partialCacheStoreLimit``), in the
:class:`~drand_edu.node.partial_cache.PartialCache` (the first partial of an index wins: a second one
of the same index and round is dropped); with t of one (round, previous signature) it
recovers the signature, verifies the beacon and appends it if it is ``last + 1``. A recovered beacon
*further* ahead means others are ahead of us: that triggers a sync (``shouldSync``).

**Catching up after a halt**: a beacon appended by aggregation whose round is behind the current one
schedules the next partial after ``catchup_period`` instead of waiting for the next tick (the
``AppendedBeaconNoSync`` case of ``Handler.run``).

**The checks** — each partial before it is cached, each recovered beacon before it is stored —
are asked of the process's :class:`~drand_edu.node.verifier.PartialVerifier`, which does them as a
drand node does. The simulated nodes of a :class:`~drand_edu.node.network.LocalNetwork` share one
:class:`~drand_edu.node.verifier.SharedVerifier` instead, a simulator shortcut that does the same
checks once per network rather than once per node (its docstring says exactly what is shared).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ..chain import time as chain_time
from ..chain.beacon import Beacon
from ..errors import CorruptStore, InvalidShare, NotEnoughShares, StoreError
from ..net.messages import BeaconPacket, Message, PartialBeaconPacket, SyncRequest, SyncStreamEnd
from ..net.sim import Simulator
from ..rng import Rng
from ..store.base import ChainStore
from ..store.stack import BeaconAlreadyStored, CallbackStore, StoreLayer, new_chain_store
from ..threshold.poly import PriShare, PubPoly
from ..threshold.tbls import index_of
from .metrics import NodeMetrics, ThresholdMonitor, ThresholdReport
from .partial_cache import PartialCache
from .sync import SyncManager, serve_sync, stop_serving
from .vault import Vault
from .verifier import PartialVerifier

log = logging.getLogger(__name__)

#: drand's ``partialCacheStoreLimit``: partials are cached up to last + 1 + this many rounds.
PARTIAL_CACHE_STORE_LIMIT = 3
#: corrupt beacons at the head of a store that a start removes (and syncs again); more: it refuses
MAX_CORRUPT_HEAD = 100


class BeaconProcess:
    """One node's round loop on a :class:`~drand_edu.net.sim.Simulator` (or any object with ``now``,
    ``schedule``, ``send``, ``broadcast``). ``store`` is the backend; :attr:`store` becomes the stack."""

    def __init__(
        self,
        vault: Vault,
        store: ChainStore,
        network: Simulator,
        *,
        catchup_period: float | None = None,
        metrics: NodeMetrics | None = None,
        verifier: PartialVerifier | None = None,
        peers: Sequence[int] | None = None,
        group_size: int | None = None,
        rng: Rng | None = None,
        check_each_partial: bool = True,
    ) -> None:
        del check_each_partial  # every partial is verified, as in drand (kept for old callers)
        #: share, public polynomial, group and chain info: what this process signs and verifies with
        self.vault = vault
        self.info = info = vault.info
        index = self.index
        self.network = network
        self.catchup_period = info.period / 2 if catchup_period is None else catchup_period
        self.metrics = metrics
        self.group_size = group_size
        self.peers = list(peers) if peers is not None else None  # the group's node indices
        #: checks partials and beacons (a LocalNetwork's nodes share one: see drand_edu.node.verifier)
        self.verifier = verifier or PartialVerifier()
        self.store: CallbackStore = store if isinstance(store, CallbackStore) else self._stack(store)
        self.cache = PartialCache()
        self.sync_manager = SyncManager(
            index, info, self.store, lambda dst, m: network.send(self.index, dst, m), network.now,
            verify=self._is_valid, rng=rng,
        )  # fmt: skip
        self.current_round = 0  # the round of the last tick
        self.rejected_partials = 0  # invalid: bad signature or index
        self.ignored_future = 0  # more than one round ahead of our clock
        self.rejected_beacons = 0
        self._catching_up = False
        #: the peers our partials failed to reach since its last look (drand's ``thresholdMonitor``)
        self.threshold_monitor = ThresholdMonitor(len(vault.group.nodes), vault.threshold)
        network.register(index, self.receive)

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

    # -- looking at it ------------------------------------------------------------------------------
    def head(self) -> int:
        """Our last stored round (0: only the genesis beacon)."""
        return self.store.last_round()

    @property
    def backend(self) -> ChainStore:
        return self.store.backend if isinstance(self.store, StoreLayer) else self.store

    @property
    def partials(self) -> dict[int, dict[int, bytes]]:
        """Cached partials by round and signer (all previous signatures together)."""
        out: dict[int, dict[int, bytes]] = {}
        for (round_number, _), cache in self.cache.rounds.items():
            out.setdefault(round_number, {}).update(cache.partials)
        return out

    def group_peers(self) -> list[int]:
        if self.peers is not None:
            return self.peers
        size = self.group_size or getattr(self.network, "n", 0)
        return list(range(size)) if size else sorted(getattr(self.network, "peers", {}))

    # -- the round loop -----------------------------------------------------------------------------
    def tick(self) -> None:
        """A round's time has come: broadcast our partial over our last beacon; sync if behind."""
        self.current_round = self.info.round_at(self.network.now())
        if self.current_round < 1:
            return
        last = self.store.last()
        self._broadcast_next_partial(self.current_round, last)
        if last.round + 1 < self.current_round:
            self.sync_manager.send_sync_request(self.current_round, self.group_peers())

    def catchup(self) -> None:
        """After a (re)start: check the stored head (:meth:`check_stored_head`), sync up to the next
        round (drand's ``Catchup``), then go on ticking.

        drand's daemon starts a loaded beacon with ``StartBeacon(ctx, true)``, whose catch-up branch calls
        [`Handler.Catchup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L277-L286):
        it starts the round loop at the next round's time and asks the sync manager for a sync up to
        that next round (``RunSync(ctx, nRound, nil)``: every node of the group, shuffled).
        """
        self.check_stored_head()
        self.current_round = self.info.round_at(self.network.now())
        self.sync_manager.send_sync_request(self.current_round + 1, self.group_peers(),
                                            why="catch-up at start (Handler.Catchup)")  # fmt: skip

    def check_stored_head(self, limit: int = MAX_CORRUPT_HEAD) -> int:
        """Verify the last stored beacon; remove it while it does not verify; return how many went.

        Ours, not drand's: drand checks a stored chain only when asked (``drand sync`` without
        ``--follow``). But every partial a node signs is over its last beacon, and on a chained
        scheme the store refuses any next beacon that does not link to it: a corrupt last beacon
        (a damaged disk, a bad copy) would leave the node signing the wrong message and refusing every
        beacon its peers send, silently falling further behind each round. So at start the head is
        checked, and each corrupt last beacon is logged and removed — the sync that follows fetches
        it again, verified. More than ``limit`` corrupt rounds is not a damaged tail but a damaged
        store: :class:`~drand_edu.errors.CorruptStore`, and the node refuses to start.
        """
        removed = 0
        while (last := self.store.last()) is not None and last.round > 0 and not self._is_valid(last):
            if removed >= limit:
                raise CorruptStore(
                    f"the last {removed} stored beacons and more do not verify: the store is damaged; "
                    "check and repair it with 'drand-edu sync --folder ... --url ...' while the node is "
                    "stopped, or move chain.db away to sync the chain again"
                )
            log.error("stored beacon of round %d is corrupt (it does not verify): removed, it will be "
                      "synced again from the group", last.round)  # fmt: skip
            self.store.delete(last.round)
            removed += 1
        return removed

    def _broadcast_next_partial(self, current: int, upon: Beacon) -> None:
        round_number, previous = upon.round + 1, upon.signature
        if current == upon.round:  # we hold the current round already: sign it again, as drand does
            round_number, previous = current, upon.previous_signature
        message = self.info.scheme.digest(round_number, previous)
        partial = self.vault.sign_partial(message)
        # not drand: lets a simulator's shared verifier check a round's partials together (no-op alone)
        self.verifier.announce(self.info.scheme, self.public_poly, message, partial)
        packet = PartialBeaconPacket(round_number, previous, partial, self.info.beacon_id)
        self._new_valid_partial(packet)
        self.network.broadcast(self.index, packet, self._partial_sent)

    def _partial_sent(self, peer: int, ok: bool) -> None:
        """What a send of our partial to ``peer`` returned, as drand's ``broadcastNextPartial`` handles
        it: a failure goes to the threshold monitor and sets ``error_sending_partial`` for that peer's
        address to 1, a success sets it to 0."""
        node = self.vault.group.node(peer)
        address = node.address if node is not None else f"node {peer}"
        if not ok:
            self.threshold_monitor.report_failure(address)
        if self.metrics is not None:
            self.metrics.partial_sent(address, ok)

    def threshold_report(self) -> ThresholdReport:
        """One look of the threshold monitor (drand's runs every minute), against the current group."""
        self.threshold_monitor.update(self.threshold, len(self.vault.group.nodes))
        return self.threshold_monitor.look()

    # -- messages -----------------------------------------------------------------------------------
    def receive(self, src: int, message: Message) -> bool:
        """Handle a message from ``src``; False when a partial is refused (the error drand's
        ``ProcessPartialBeacon`` returns to the sender, which counts it as a failed send)."""
        if isinstance(message, PartialBeaconPacket):
            return self._on_partial(message)
        if isinstance(message, SyncRequest):
            serve_sync(self.store, src, message, lambda m: self.network.send(self.index, src, m))
        elif isinstance(message, BeaconPacket):
            self.sync_manager.on_beacon(src, message)
        elif isinstance(message, SyncStreamEnd):
            if message.by_server:
                self.sync_manager.on_stream_end(src, message)
            else:
                stop_serving(self.store, src)
        return True

    def _on_partial(self, packet: PartialBeaconPacket) -> bool:
        """drand's ``ProcessPartialBeacon``, its checks in its order, cheapest first.

        1. the round: more than drand's ``NextRound`` (one round of clock drift) is refused;
        2. a round we already stored is ignored;
        3. the index (kyber's ``IndexOf``: the length, then the 2-byte index);
        4. the index must name a node of our group file (``Group.Node``): refused *before* any
           pairing, so a stranger's index costs us no verification;
        5. our own index is refused (drand compares the node's address with its own, also before
           verifying);
        6. the signature, against the signer's public share (``VerifyPartial``).

        Only then does the partial go to the aggregator (``NewValidPartial``). Returns False where
        drand answers the sender with an error (1, 3, 4, 5, 6) and True where it answers ``Empty``
        (2, and a partial handed on): the sender counts a False as a failed send."""
        now = self.network.now()
        next_round, _ = chain_time.next_round(self.info.genesis_time, self.info.period, now)
        if packet.round > next_round:  # one round of clock drift is tolerated, no more
            self.ignored_future += 1
            return False
        last = self.store.last()
        if packet.round <= last.round:
            return True  # a round we have already: drand answers Empty, nothing checked
        try:
            index = index_of(self.info.scheme, packet.partial_sig)
        except InvalidShare:
            self.rejected_partials += 1
            return False
        if self.vault.group.node(index) is None:
            self.rejected_partials += 1  # no such node in our group file: no pairing spent on it
            return False
        if index == self.index:
            return False  # our own index, echoed back or forged: drand refuses it before verifying
        message = self.info.scheme.digest(packet.round, packet.previous_signature)
        if not self.verifier.partial_ok(self.info.scheme, self.public_poly, message, packet.partial_sig):
            self.rejected_partials += 1
            return False
        self._new_valid_partial(packet, last)
        return True

    # -- the aggregator (drand's runAggregator) -----------------------------------------------------
    def _new_valid_partial(self, packet: PartialBeaconPacket, last: Beacon | None = None) -> None:
        """drand's aggregator: cache the partial if its round is in the window; recover at t."""
        last = self.store.last() if last is None else last  # (a caller that just read it passes it)
        if not last.round < packet.round <= last.round + PARTIAL_CACHE_STORE_LIMIT + 1:
            return
        cache = self.cache.append(packet.round, packet.previous_signature, packet.partial_sig)
        if len(cache) < self.threshold:
            return
        beacon = self._recover(cache.round, cache.previous_signature, list(cache.partials.values()))
        if beacon is None:
            return
        self.cache.flush(beacon.round)
        if self._try_append(last, beacon):
            return
        if beacon.round > last.round + 1:  # drand's shouldSync: others are ahead of us
            self.sync_manager.send_sync_request(beacon.round, self.group_peers())

    def _recover(self, round_number: int, previous: bytes, partials: list[bytes]) -> Beacon | None:
        scheme = self.info.scheme
        message = scheme.digest(round_number, previous)
        try:
            signature = self.verifier.recover(scheme, self.public_poly, message, partials, self.threshold)
        except NotEnoughShares:
            return None
        beacon = Beacon(round_number, signature, previous if scheme.chained else b"")
        if not self._is_valid(beacon):
            self.rejected_beacons += 1
            return None
        return beacon

    def _try_append(self, last: Beacon, beacon: Beacon) -> bool:
        if last.round + 1 != beacon.round:
            return False
        try:
            self.store.put(beacon)
        except BeaconAlreadyStored:
            pass  # the sync manager stored it first
        except StoreError as exc:  # e.g. a full disk: say so, or the node just silently falls behind
            log.error("round %d recovered but not stored: %s", beacon.round, exc)
            return False
        self._schedule_catchup(beacon)
        return True

    def _schedule_catchup(self, beacon: Beacon) -> None:
        """Behind the current round after appending? Sign the next one after ``catchup_period``."""
        if self._catching_up or beacon.round >= self.current_round:
            return
        self._catching_up = True

        def catch_up() -> None:
            self._catching_up = False
            up = getattr(self.network, "up", None)
            if up is None or up[self.index]:
                self._broadcast_next_partial(self.current_round, self.store.last())

        self.network.schedule(self.network.now() + self.catchup_period, catch_up)

    def _is_valid(self, beacon: Beacon) -> bool:
        return self.verifier.beacon_ok(self.info, beacon)

    def _stack(self, backend: ChainStore) -> CallbackStore:
        """drand's store stack over ``backend`` for this node (genesis beacon first)."""
        group = (self.group_size, self.threshold) if self.group_size else None
        return new_chain_store(self.info, backend, clock=self.network.now, metrics=self.metrics, group=group)

    def reopen_store(self, backend: ChainStore) -> None:
        """A restarted node builds its store stack again over ``backend``, as a new drand process does.

        For a memdb node the backend is a fresh ring: drand's memdb lives in the process's memory, so
        a restart keeps none of the beacons; the ring holds at most the current round fetched from
        the peers (:meth:`~drand_edu.node.network.LocalNetwork.restart`), and the stack adds genesis.
        """
        self.store = self._stack(backend)
        self.sync_manager.store = self.store

    # -- stopping -----------------------------------------------------------------------------------
    def stop(self) -> None:
        """The node goes down: its cache, its sync and the streams it serves are gone."""
        self.cache.clear()
        self.sync_manager.stop()
        self._catching_up = False
        for name in self.store.callbacks():
            if name.startswith("SyncChain-"):
                self.store.remove_callback(name)

    def request_sync(self, peer: int | None = None, up_to: int | None = None) -> None:
        """Ask the sync manager to sync (up to the next round by default) from the group's peers."""
        del peer  # drand never picks a peer: the sync manager tries them all in shuffled order
        self.current_round = self.info.round_at(self.network.now())
        target = self.current_round + 1 if up_to is None else up_to
        self.sync_manager.send_sync_request(target, self.group_peers())
