"""A running node: its transport, its DKG process and, once it holds a share, its beacon process.

This is what ``drand-edu start`` runs (drand's ``BeaconProcess`` container in
``internal/core/drand_beacon.go``). A node may start with only a key pair: it then answers
``GET /identity`` and waits for a DKG. When a DKG completes the node starts its chain at the
genesis time; when a *resharing* completes it switches to its new share at the transition time,
and a leaver stops signing then. A node that stays hands its beacon process's
:class:`~drand_edu.node.vault.Vault` the new share and group (``Vault.set_info``, as drand's
``TransitionNewGroup`` does; drand swaps once the round before the transition is stored, we at the
transition time); a joiner starts its beacon process then. Before the switch the old shares still
sign: both sets of shares recover the same group signature, so the chain does not notice the change
of hands.

Every packet from peers arrives on the transport's event thread and is routed by kind: DKG packets
to the DKG process, beacon packets to the beacon process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..chain.info import ChainInfo
from ..net.http_transport import HttpNetwork
from ..net.messages import DKGPacket, Message
from ..store.sqlite import SQLiteStore
from .beacon_process import BeaconProcess
from .daemon import Daemon
from .dkg_process import PHASE_TIMEOUT, DKGProcess
from .key_store import FileStore
from .metrics import NodeMetrics
from .sync_http import HttpSyncStreams, sync_answer
from .vault import Vault


class NodeService:
    """One node of a real network, wired together; ``on_chain(daemon)`` runs when its chain starts."""

    def __init__(
        self,
        folder: str | Path,
        network: HttpNetwork,
        *,
        beacon_id: str = "default",
        on_chain: Callable[[Daemon], None] | None = None,
        phase_timeout: float = PHASE_TIMEOUT,
    ) -> None:
        self.folder = Path(folder)
        self.network = network
        self.on_chain = on_chain
        key_store = FileStore.load(self.folder, beacon_id)
        network.identity = {
            "address": key_store.address,
            "key": key_store.public_key.hex(),
            "scheme": key_store.scheme.id,
            "signature": key_store.signature.hex(),  # drand's Identity carries its self-signature
        }
        self.dkg = DKGProcess(
            key_store, self.folder, network, phase_timeout=phase_timeout,
            on_complete=self._on_dkg_complete, on_leave=self._on_leave,
        )  # fmt: skip
        self.daemon: Daemon | None = None
        self.process: BeaconProcess | None = None
        self.store: SQLiteStore | None = None
        self.metrics: NodeMetrics | None = None
        self._ticking = False
        network.register(-1, self._dispatch)
        if key_store.group is not None and key_store.share is not None:
            self._start_chain(key_store)

    # -- routing ------------------------------------------------------------------------------------
    def _dispatch(self, src: int, message: Message) -> None:
        if isinstance(message, DKGPacket):
            self.dkg.receive(message)
        elif self.process is not None:  # before its first DKG (or after leaving) a node has no chain
            self.process.receive(src, message)

    # -- the chain ----------------------------------------------------------------------------------
    def _start_chain(self, key_store: FileStore) -> None:
        """Run the beacon process of ``key_store``'s group (a first start, a restart, or a new epoch)."""
        group = key_store.group
        me = group.find(key_store.public_key)
        if me is None:  # not in the new group: we left
            self.process = None
            return
        info = ChainInfo.from_group(group)
        self.network.index = me.index
        self.network.peers = {n.index: f"http://{n.address}" for n in group.nodes if n.index != me.index}
        if self.store is None:
            path = key_store.folder(self.folder) / "chain.db"
            # a new store is trimmed (drand v2), an existing one keeps its form
            self.store = SQLiteStore(path, genesis_seed=info.genesis_seed, chained=info.scheme.chained)
            self.metrics = NodeMetrics(info.beacon_id)
        self.metrics.dkg_state("done")
        self.metrics.group(len(group.nodes), group.threshold)
        if self.process is not None and self.process.info.hash() == info.hash():
            self.process.vault.set_info(group, key_store.share)  # a resharing's transition: same chain
            self.process.peers = [n.index for n in group.nodes]
        else:
            self.process = BeaconProcess(Vault(group, key_store.share, info), self.store, self.network,
                                         metrics=self.metrics,
                                         peers=[n.index for n in group.nodes])  # fmt: skip
            # syncing from peers reads their /sync streams; ours serves the same (drand's SyncChain)
            self.process.sync_manager.send = HttpSyncStreams(self.network, self._dispatch).send
            self.network.get_routes["/sync"] = lambda request: sync_answer(request, self._store_of)
        self.network.register(me.index, self._dispatch)  # the process registered itself: route through us
        if self.daemon is None:
            self.daemon = Daemon(key_store, self.process)
            if self.on_chain is not None:
                self.on_chain(self.daemon)
        else:
            self.daemon.key_store, self.daemon.process = key_store, self.process
        self.process.catchup()  # sync up to the next round from the group, in shuffled order
        if not self._ticking:
            self._ticking = True
            current = max(info.round_at(self.network.now()), 1)
            self.network.schedule(info.time_of_round(current), lambda: self._tick_at(info, current))

    def _store_of(self, beacon_id: str):
        process = self.process
        return process.store if process is not None and process.info.beacon_id == beacon_id else None

    def _tick_at(self, info: ChainInfo, round_number: int) -> None:
        if self.process is not None:
            self.process.tick()
        self.network.schedule(
            info.time_of_round(round_number + 1), lambda: self._tick_at(info, round_number + 1)
        )

    # -- DKG outcomes ---------------------------------------------------------------------------------
    def _on_dkg_complete(self, key_store: FileStore) -> None:
        # a new chain starts now (its API serves /info before genesis); after a resharing, remainers
        # keep their old share and joiners wait until the transition. Either way on the event thread.
        first = self.process is None and self.dkg.state.epoch == 1
        at = self.network.now() if first else key_store.group.transition_time
        self.network.schedule(at, lambda: self._start_chain(key_store))

    def _on_leave(self, transition_time: int) -> None:
        def leave() -> None:
            self.process = None

        self.network.schedule(transition_time, leave)

    def close(self) -> None:
        self.network.close()
        if self.store is not None:
            self.store.close()
