"""``drand-edu start``: run a node as a process, like ``drand start``.

    drand-edu start --folder node0 --private-listen 127.0.0.1:4444 [--public-listen 127.0.0.1:8080]
                    [--id quicknet] [--control PORT] [--metrics 127.0.0.1:9090]

The folder holds the node's key stores (drand's file store), one per beacon id (``multibeacon/<id>``, made by
``drand-edu generate-keypair --id ID``); after a DKG each also holds its share and group file. As
drand's daemon does, the node runs a beacon process for *every* beacon id of the folder (or only the
one ``--id`` names), all on the same ports. Which listeners start is drand v2's rule:

- the peers' port ``--private-listen`` is **required**: drand's
  [`DrandDaemon.init`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L117-L133)
  refuses an empty private listen address (it does not fall back to the key pair's address, although a
  comment there says so), and so do we, naming the key pair's address in the refusal;
- the public HTTP API starts **only with** ``--public-listen`` (the same function creates the REST
  gateway only ``if pubAddr != ""``, L149-L154): every chain under ``/{chainhash}/...``, the default one
  also without the prefix; its URL goes to ``public.url`` once the first chain starts;
- the Prometheus metrics listener **always** starts, on a listener of its own (its URL in
  ``metrics.url``): ``--metrics ADDR`` or, without it, a free port of 127.0.0.1, as drand's
  [`metrics.Start`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L374-L413)
  listens on ``"127.0.0.1:" + ""`` when the flag is empty (called at the end of
  [`LoadBeaconsFromDisk`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L304-L346)).
  A metrics port that cannot be bound is a warning there, and here: the node runs without metrics;
- the control port (127.0.0.1 only) for ``drand-edu dkg|show|stop ...``: drand's default is 8888, ours
  any free port, written to ``control.port`` (8888 is also JupyterLab's).

Each chain is kept in ``multibeacon/<id>/chain.db`` (SQLite). A node asks its peers for any rounds it
missed, then signs a partial at each round's time; each beacon it stores is one ``NEW_BEACON_STORED``
line on its output, with the Unix time it was stored and how late that was, as drand's
[`discrepancyStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/store.go#L159-L198)
logs it. ``drand-edu stop``, SIGTERM or Ctrl-C stops it. A folder another live node runs from is refused;
the runtime files of a node killed with SIGKILL (its pid gone) are removed.
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from dataclasses import replace
from pathlib import Path

from ..api.control import ControlServer
from ..api.metrics import metrics_address, serve_metrics
from ..api.server import PublicAPI, ServedChain, Server
from ..chain import Beacon, ChainInfo
from ..errors import InvalidInput
from ..net.http_transport import HttpNetwork
from ..node.daemon import Daemon
from ..node.dkg_process import PHASE_TIMEOUT
from ..node.key_store import FileStore, check_beacon_id
from ..node.service import NodeDaemon, NodeService, stored_beacon_ids
from . import EXIT_OK
from .control import RUNTIME_FILES, clear_stale_runtime_files, node_pid
from .sync import deadline_fetch

#: any free port, written to ``control.port`` (drand's default, 8888, is also JupyterLab's)
DEFAULT_CONTROL_PORT = 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("start", help="run a node: every beacon of its folder (or --id)")
    parser.add_argument("--folder", required=True, help="the node's folder (key folders, chain.db)")
    parser.add_argument("--id", "--beacon-id", dest="beacon_id", default="",
                        help="run only this beacon id (default: every one in the folder)")  # fmt: skip
    parser.add_argument("--private-listen", metavar="HOST:PORT",
                        help="address for the other nodes (required, as in drand v2)")  # fmt: skip
    parser.add_argument("--public-listen", "--public", dest="public", metavar="HOST:PORT",
                        help="start the public HTTP API there (port 0: any free port); "
                             "without it, none")  # fmt: skip
    parser.add_argument("--metrics", metavar="ADDR", default="",
                        help="Prometheus metrics on a listener of their own, PORT or HOST:PORT "
                             "(default: a free port of 127.0.0.1; always started, as drand's)")  # fmt: skip
    parser.add_argument("--control", type=int, default=DEFAULT_CONTROL_PORT,
                        help="control port on 127.0.0.1 (default: a free one, in control.port)")  # fmt: skip
    parser.add_argument("--dkg-phase-timeout", type=float, default=PHASE_TIMEOUT,
                        help="seconds a DKG phase waits for late bundles (default %(default)s)")  # fmt: skip
    parser.set_defaults(func=run)


def _split(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise InvalidInput(f"address must be HOST:PORT, got {address!r}")
    return host, int(port)


def key_pair_address(folder: Path, beacon_ids: list[str]) -> str | None:
    """The address recorded with the folder's key pairs (or their group file), if they name one."""
    addresses = set()
    for beacon_id in beacon_ids:
        key_store = FileStore.load(folder, beacon_id)
        address = key_store.address
        if not address and key_store.group is not None:
            me = key_store.group.find(key_store.public_key)
            address = me.address if me else ""
        if address:
            addresses.add(address)
    return sorted(addresses)[0] if len(addresses) == 1 else None


def _private_address(folder: Path, beacon_ids: list[str], flag: str | None) -> str:
    """``--private-listen``, required as drand's ``DrandDaemon.init`` requires it; the refusal names the
    address the key pairs were generated for, the one the other nodes will dial."""
    if flag:
        return flag
    known = key_pair_address(folder, beacon_ids)
    hint = f" (the key pair's is {known}: --private-listen {known})" if known else ""
    raise InvalidInput(f"private listen address cannot be empty: pass --private-listen HOST:PORT{hint}")


def _claim(folder: Path) -> None:
    """Refuse a folder another live node runs from (they would share its chain.db and runtime files);
    clear the runtime files a killed node left behind (its pid is gone), saying so."""
    pid = node_pid(folder)
    if pid is not None and pid != os.getpid():
        raise InvalidInput(f"a node already runs from {folder} (pid {pid}): 'drand-edu stop --folder "
                           f"{folder}' first")  # fmt: skip
    if clear_stale_runtime_files(folder):
        print(f"removed the stale control.port and node.pid of a node that no longer runs in {folder}",
              flush=True)  # fmt: skip


def log_stored(info: ChainInfo, beacon: Beacon) -> None:
    """One line per stored beacon, like drand's ``NEW_BEACON_STORED`` log: the round, the Unix time it was
    stored, and how late that was after the round's time (drand's ``time_discrepancy_ms``)."""
    now = time.time()
    late_ms = (now - info.time_of_round(beacon.round)) * 1000
    print(f"NEW_BEACON_STORED round {beacon.round} at {now:.3f} time_discrepancy_ms {late_ms:.0f}",
          flush=True)  # fmt: skip


def run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    _claim(folder)
    beacon_ids = [check_beacon_id(args.beacon_id)] if args.beacon_id else stored_beacon_ids(folder)
    if not beacon_ids:
        raise InvalidInput(f"{folder}: no key pair: run 'drand-edu generate-keypair --folder {folder} ADDR'")
    private = _private_address(folder, beacon_ids, args.private_listen)
    for beacon_id in beacon_ids:  # keys written before addresses were recorded: the listening one
        key_store = FileStore.load(folder, beacon_id)
        if not key_store.address:
            replace(key_store, address=private).save(folder)
    host, port = _split(private)
    public_address = _split(args.public) if args.public else None
    metrics_host, metrics_port = metrics_address(args.metrics or "0")
    try:
        transport = HttpNetwork(-1, {}, host, port)
    except OSError as error:
        raise InvalidInput(f"cannot listen on {private}: {error.strerror}") from None
    public: list[Server] = []  # the one public API of the daemon (with --public-listen), at the first chain

    def on_chain(service: NodeService, daemon: Daemon) -> None:
        info = daemon.process.info
        daemon.store.add_callback("beacon-log", lambda beacon, closed: closed or log_stored(info, beacon))
        served = "no public API (drand starts it only with --public-listen)"
        if public_address is not None:
            chain = ServedChain(info, daemon.store)
            if not public:
                public.append(Server(PublicAPI([chain], time.time), *public_address))
                (folder / "public.url").write_text(public[0].url + "\n")
            else:
                public[0].api.add(chain)
            served = f"public API {public[0].url}/{info.hash_hex}"
        print(f"beacon [{service.beacon_id}] node {daemon.index} of chain {info.hash_hex[:16]}…: {served}",
              flush=True)  # fmt: skip

    # its sync streams to group peers get one deadline per request: a peer that drips cannot hold them
    node = NodeDaemon(folder, transport, beacon_ids, on_chain=on_chain, phase_timeout=args.dkg_phase_timeout,
                      sync_fetch=deadline_fetch)  # fmt: skip
    servers = []
    try:
        control = ControlServer(node, "127.0.0.1", args.control)
        servers.append(control)
    except OSError as error:
        node.close()
        raise InvalidInput(f"cannot listen: {error.strerror}") from None
    sources = lambda: [s.metrics for s in list(node.services.values()) if s.metrics]  # noqa: E731
    try:  # always, as drand's metrics.Start; a port that cannot be bound is only a warning there too
        metrics = serve_metrics(sources, metrics_host, metrics_port)
        servers.append(metrics)
        (folder / "metrics.url").write_text(metrics.url + "\n")
    except OSError as error:
        print(f"warning: metrics listen failed on {metrics_host}:{metrics_port}: {error.strerror}; "
              "running without metrics", flush=True)  # fmt: skip
    (folder / "control.port").write_text(f"{control.port}\n")
    (folder / "node.pid").write_text(f"{os.getpid()}\n")
    print(f"node listening: peers on {private}, control on 127.0.0.1:{control.port}, "
          f"beacons {', '.join(sorted(node.services))}", flush=True)  # fmt: skip

    signal.signal(signal.SIGTERM, lambda *_: node.stopped.set())
    try:
        while not node.stopped.wait(0.2):  # short waits: the signal handler runs between them
            pass
    except KeyboardInterrupt:
        pass
    for server in [*servers, *public]:
        server.close()
    node.close()
    for name in RUNTIME_FILES:  # nothing left that points at a dead node
        (folder / name).unlink(missing_ok=True)
    return EXIT_OK
