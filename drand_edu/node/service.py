"""A running node: a daemon with one beacon process per beacon id, on shared ports, as drand v2 runs.

This is what ``drand-edu start`` runs. drand's daemon
([`DrandDaemon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L29-L52))
holds a map of beacon processes by beacon id; at start
[`LoadBeaconsFromDisk`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L304-L346)
starts one for each key folder (``multibeacon/<id>``), or only the one named by ``--id``. They share
one private port, one control port, one public HTTP API and one metrics listener. Every request and
every message names its beacon id (drand's ``Metadata``), and
[`readBeaconID`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon_helper.go#L10-L57)
routes it to the right beacon process (an empty id means ``default``). Our :class:`NodeDaemon` is the
daemon; it routes each packet by its ``beacon_id`` to a :class:`NodeService`, and each control call
by its beacon id (:meth:`NodeDaemon.service`).

A :class:`NodeService` is one beacon id's part of the node (drand's ``BeaconProcess`` container in
``internal/core/drand_beacon.go``): its DKG process and, once it holds a share, its beacon process.
It may start with only a key pair: it then answers ``GET /identity?beacon_id=ID`` and waits for a
DKG. When a DKG completes the node starts its chain at the genesis time; when a *resharing* completes
it switches to its new share at the transition time, and a leaver stops signing then. A node that
stays hands its beacon process's :class:`~drand_edu.node.vault.Vault` the new share and group
(``Vault.set_info``, as drand's ``TransitionNewGroup`` does; drand swaps once the round before the
transition is stored, we at the transition time); a joiner starts its beacon process then. Before the
switch the old shares still sign: both sets of shares recover the same group signature, so the chain
does not notice the change of hands. Each beacon process has its own index in its own group, so each
sees the shared transport through a :class:`BeaconNetwork` of its own: its index, its peers.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from ..chain.info import ChainInfo
from ..errors import InvalidInput
from ..net.http_server import Answer, HttpError, Request
from ..net.http_transport import HttpNetwork, fetch_identity
from ..net.messages import DKGPacket, Message
from ..net.sim import per_receiver
from ..store.sqlite import SQLiteStore
from ..threshold.group import canonical_beacon_id
from ..threshold.lifecycle import Status
from .beacon_process import BeaconProcess
from .daemon import Daemon
from .dkg_process import PHASE_TIMEOUT, DKGProcess
from .key_store import FileStore
from .metrics import NodeMetrics
from .sync_http import Fetch, HttpSyncStreams, info_answer, sync_answer
from .vault import Vault


def stored_beacon_ids(folder: str | Path) -> list[str]:
    """The beacon ids that have a key pair in ``folder`` (``multibeacon/<id>/key``), sorted."""
    root = Path(folder) / "multibeacon"
    return sorted(p.name for p in root.iterdir() if (p / "key").is_dir()) if root.is_dir() else []


class BeaconNetwork:
    """One beacon process's view of the daemon's transport: its own index and peers, the same port.

    It offers what the beacon and DKG processes call (``now``, ``schedule``, ``send``, ``broadcast``,
    ``send_to``, ``register``); :class:`NodeDaemon` hands it the packets of its beacon id.
    """

    def __init__(self, transport: HttpNetwork, beacon_id: str) -> None:
        self.transport = transport
        self.beacon_id = beacon_id
        self.index = -1
        self.peers: dict[int, str] = {}
        #: what ``GET /identity?beacon_id=...`` answers for this beacon id
        self.identity: dict | None = None
        #: this beacon's GET routes on the shared port (``/sync``), served by the daemon by beacon id
        self.get_routes: dict[str, Callable[[Request], Answer]] = {}
        self._handler: Callable[[int, Message], None] | None = None

    def now(self) -> float:
        return self.transport.now()

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        self.transport.schedule(at, action)

    def register(self, node: int, handler: Callable[[int, Message], None]) -> None:
        self._handler = handler

    def deliver(self, src: int, message: Message) -> None:
        if self._handler is not None:
            self._handler(src, message)

    def send(
        self, src: int, dst: int, message: Message, on_result: Callable[[bool], None] | None = None
    ) -> None:
        url = self.peers.get(dst)
        if url is not None:
            self.transport.post(url, message, sender=self.index, on_result=on_result)

    def broadcast(
        self, src: int, message: Message, on_result: Callable[[int, bool], None] | None = None
    ) -> None:
        for peer in self.peers:
            self.send(src, peer, message, None if on_result is None else per_receiver(on_result, peer))

    def send_to(self, address: str, message: Message) -> None:
        self.transport.post(f"http://{address}", message, sender=self.index)

    def close(self) -> None:
        self._handler = None


class NodeService:
    """One beacon id of a node, wired together; ``on_chain(daemon)`` runs when its chain starts.

    ``network`` is the transport, shared with the daemon's other beacon ids through a
    :class:`BeaconNetwork` (a bare :class:`HttpNetwork` gets one of its own). ``sync_fetch`` makes the
    requests of the node's sync streams to its peers (:class:`~drand_edu.node.sync_http.HttpSyncStreams`):
    ``drand-edu start`` gives one with a deadline for each whole request.
    """

    def __init__(
        self,
        folder: str | Path,
        network: HttpNetwork | BeaconNetwork,
        *,
        beacon_id: str = "default",
        on_chain: Callable[[Daemon], None] | None = None,
        phase_timeout: float = PHASE_TIMEOUT,
        sync_fetch: Fetch | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.beacon_id = canonical_beacon_id(beacon_id)
        self.sync_fetch = sync_fetch
        self._owns_transport = isinstance(network, HttpNetwork)
        if isinstance(network, HttpNetwork):  # a node with a single beacon id: route through a view anyway
            view = BeaconNetwork(network, self.beacon_id)
            network.register(-1, view.deliver)
            network.identities = lambda _id: view.identity
            for path in PER_BEACON_ROUTES:
                network.get_routes[path] = _route_to(lambda _id: view.get_routes, path)
            network = view
        self.network = network
        self.on_chain = on_chain
        key_store = FileStore.load(self.folder, self.beacon_id)
        self.key_store = key_store
        network.identity = {
            "address": key_store.address,
            "key": key_store.public_key.hex(),
            "scheme": key_store.scheme.id,
            "signature": key_store.signature.hex(),  # drand's Identity carries its self-signature
            "beacon_id": self.beacon_id,
        }
        self.dkg = DKGProcess(
            key_store, self.folder, network, phase_timeout=phase_timeout,
            on_complete=self._on_dkg_complete, on_leave=self._on_leave,
            identity_of=lambda address: fetch_identity(address, beacon_id=self.beacon_id),
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
        self.key_store = key_store
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
        self.metrics.dkg_state(Status.COMPLETE)
        self.metrics.group(len(group.nodes), group.threshold)
        if self.process is not None and self.process.info.hash() == info.hash():
            self.process.vault.set_info(group, key_store.share)  # a resharing's transition: same chain
            self.process.peers = [n.index for n in group.nodes]
            self.process.catchup_period = group.catchup_period  # drand reads conf.Group.CatchupPeriod
        else:
            # the catch-up period is the group's (the leader's --catchup-period), as drand's Handler.run
            # sleeps conf.Group.CatchupPeriod; the simulator's default of half a period is for notebooks
            self.process = BeaconProcess(Vault(group, key_store.share, info), self.store, self.network,
                                         catchup_period=group.catchup_period, metrics=self.metrics,
                                         peers=[n.index for n in group.nodes])  # fmt: skip
            # syncing from peers reads their /sync streams; ours serves the same (drand's SyncChain)
            streams = HttpSyncStreams(self.network, self._dispatch, self.sync_fetch)
            self.process.sync_manager.send = streams.send
            self.network.get_routes["/sync"] = lambda request: sync_answer(request, self._store_of)
            self.network.get_routes["/info"] = lambda request: info_answer(request, self._info_of)
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

    def _info_of(self, beacon_id: str) -> ChainInfo | None:
        process = self.process
        return process.info if process is not None and process.info.beacon_id == beacon_id else None

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

    @property
    def running(self) -> bool:
        """Whether this beacon id has a chain running (a share, and still in the group)."""
        return self.process is not None

    def stop(self) -> None:
        """Stop this beacon process (drand's ``drand stop --id``): no more signing, packets ignored."""
        self.process = None
        self.network.close()

    def close(self) -> None:
        self.stop()
        if self._owns_transport:
            self.network.transport.close()
        if self.store is not None:
            self.store.close()
            self.store = None


#: GET paths of the protocol port that belong to one beacon id's chain: drand's ``SyncChain`` stream and
#: its ``ChainInfo`` (served on the peer listener too), each routed by ``?beacon_id=``.
PER_BEACON_ROUTES = ("/sync", "/info")


def _route_to(routes_of: Callable[[str], dict | None], path: str) -> Callable[[Request], Answer]:
    """A route for ``path`` that hands the request to the route of the beacon id it names (404 when that
    beacon id runs no chain here)."""

    def route(request: Request) -> Answer:
        query = urllib.parse.parse_qs(request.path.partition("?")[2])
        routes = routes_of(canonical_beacon_id(query.get("beacon_id", [""])[0][:64]))
        inner = routes.get(path) if routes is not None else None
        if inner is None:
            raise HttpError(404, "no chain for this beacon id here")
        return inner(request)

    return route


class NodeDaemon:
    """drand's daemon: one transport (the private port), a :class:`NodeService` per beacon id.

    ``beacon_ids``: which key folders to run (default: every one in ``folder``, as ``drand start``
    without ``--id``). ``on_chain(service, daemon)`` runs when a beacon id's chain starts.
    :attr:`stopped` is set by :meth:`stop` without a beacon id (``drand stop``): the process exits.
    """

    def __init__(
        self,
        folder: str | Path,
        transport: HttpNetwork,
        beacon_ids: list[str] | None = None,
        *,
        on_chain: Callable[[NodeService, Daemon], None] | None = None,
        phase_timeout: float = PHASE_TIMEOUT,
        sync_fetch: Fetch | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.transport = transport
        self.on_chain = on_chain
        self.phase_timeout = phase_timeout
        self.sync_fetch = sync_fetch
        self.services: dict[str, NodeService] = {}
        self.stopped = threading.Event()
        ids = [canonical_beacon_id(b) for b in beacon_ids] if beacon_ids else stored_beacon_ids(folder)
        if not ids:
            raise InvalidInput(f"{folder}: no key pair in multibeacon/<id>/key: run 'generate-keypair'")
        transport.register(-1, self._dispatch)
        transport.identities = self._identity
        for path in PER_BEACON_ROUTES:
            transport.get_routes[path] = _route_to(self._routes_of, path)
        for beacon_id in ids:
            self.load(beacon_id)

    def load(self, beacon_id: str) -> NodeService:
        """Start the beacon process of one more beacon id (drand's ``InstantiateBeaconProcess``)."""
        beacon_id = canonical_beacon_id(beacon_id)
        if beacon_id in self.services:
            raise InvalidInput(f"beacon id [{beacon_id}] is already running")
        view = BeaconNetwork(self.transport, beacon_id)
        service = NodeService(self.folder, view, beacon_id=beacon_id, phase_timeout=self.phase_timeout,
                              sync_fetch=self.sync_fetch)  # fmt: skip
        self.services[beacon_id] = service

        def started(daemon: Daemon) -> None:
            if self.on_chain is not None:
                self.on_chain(service, daemon)

        service.on_chain = started
        if service.daemon is not None:  # a restart: the chain started while the service was built
            started(service.daemon)
        return service

    # -- routing by beacon id (drand's readBeaconID) -------------------------------------------------
    def service(self, beacon_id: str | None = None) -> NodeService:
        """The beacon process a request names (empty: the default one, or the only one)."""
        if not beacon_id and len(self.services) == 1:
            return next(iter(self.services.values()))
        service = self.services.get(canonical_beacon_id(beacon_id or ""))
        if service is None:
            raise InvalidInput(f"beacon id [{canonical_beacon_id(beacon_id or '')}] is not running")
        return service

    def _dispatch(self, src: int, message: Message) -> None:
        service = self.services.get(canonical_beacon_id(message.beacon_id or ""))
        if service is not None:  # a packet for a beacon id we do not run is dropped
            service.network.deliver(src, message)

    def _routes_of(self, beacon_id: str) -> dict | None:
        service = self.services.get(beacon_id)
        return service.network.get_routes if service is not None else None

    def _identity(self, beacon_id: str) -> dict | None:
        try:
            return self.service(beacon_id).network.identity
        except InvalidInput:
            return None

    # -- stopping ---------------------------------------------------------------------------------------
    def stop(self, beacon_id: str | None = None) -> str:
        """drand's ``Shutdown``: one beacon process (``--id``), or the whole daemon."""
        if beacon_id:
            service = self.service(beacon_id)
            service.stop()
            self.services.pop(service.beacon_id, None)
            return f"beacon process [{service.beacon_id}] stopped"
        self.stopped.set()
        return "daemon stopping"

    def close(self) -> None:
        for service in self.services.values():
            service.close()
        self.transport.close()
