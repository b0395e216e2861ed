"""``drand-edu start``: run one node as a process, like ``drand start``.

    drand-edu start --folder node0 [--private-listen 127.0.0.1:4444] [--public-listen 127.0.0.1:8080]
                    [--control PORT]

The folder holds the node's key store (drand's file store): at least its key pair (``drand-edu
generate-keypair``), and after a DKG its share and the group file. The node listens for its peers on
``--private-listen`` (by default the address of its key pair), takes operator commands (``drand-edu dkg
...``) on the control port (127.0.0.1 only), and once it has a share keeps its chain in ``chain.db``
(SQLite) in the folder and serves drand's public HTTP API on ``--public-listen``, whose URL it writes to
``public.url``. It asks its peers for any rounds it missed, then signs a partial at each round's time.
SIGTERM or Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path

from ..api.control import ControlServer
from ..api.metrics import metrics_address, serve_metrics
from ..api.server import serve_node
from ..errors import InvalidInput
from ..net.http_transport import HttpNetwork
from ..node.daemon import Daemon
from ..node.dkg_process import PHASE_TIMEOUT
from ..node.key_store import FileStore
from ..node.service import NodeService
from . import EXIT_OK

#: any free port, written to ``control.port`` (drand's default, 8888, is also JupyterLab's)
DEFAULT_CONTROL_PORT = 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("start", help="run one node (its key store in --folder) until stopped")
    parser.add_argument("--folder", required=True, help="the node's folder (key store, chain.db)")
    parser.add_argument("--id", "--beacon-id", dest="beacon_id", default="default",
                        help="which chain of the folder (default: default)")  # fmt: skip
    parser.add_argument("--private-listen", help="address for the other nodes (default: the key pair's)")
    parser.add_argument("--public-listen", "--public", dest="public", default="127.0.0.1:0",
                        help="public HTTP API address (port 0: any free port)")  # fmt: skip
    parser.add_argument("--metrics", metavar="ADDR",
                        help="Prometheus metrics on a listener of their own (PORT or HOST:PORT)")  # fmt: skip
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


def run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    key_store = FileStore.load(folder, args.beacon_id)
    private = args.private_listen or key_store.address
    if not private and key_store.group is not None:
        me = key_store.group.find(key_store.public_key)
        private = me.address if me else ""
    if not private:
        raise InvalidInput(f"{folder}: no address: pass --private-listen or 'generate-keypair ... ADDRESS'")
    host, port = _split(private)
    try:
        network = HttpNetwork(-1, {}, host, port)
    except OSError as error:
        raise InvalidInput(f"cannot listen on {private}: {error.strerror}") from None
    public_host, public_port = _split(args.public)

    def on_chain(daemon: Daemon) -> None:
        server = serve_node(daemon, time.time, host=public_host, port=public_port)
        (folder / "public.url").write_text(server.url + "\n")
        info = daemon.process.info
        print(f"node {daemon.index} of chain {info.hash_hex[:16]}…: public API {server.url}", flush=True)

    if not key_store.address:  # keys written before addresses were recorded: use the listening one
        replace(key_store, address=private).save(folder)
    service = NodeService(folder, network, beacon_id=args.beacon_id, on_chain=on_chain,
                          phase_timeout=args.dkg_phase_timeout)  # fmt: skip
    try:
        control = ControlServer(service.dkg, "127.0.0.1", args.control)
    except OSError as error:
        service.close()
        raise InvalidInput(f"cannot listen on control port {args.control}: {error.strerror}") from None
    metrics = None
    if args.metrics:
        metrics_host, metrics_port = metrics_address(args.metrics)
        try:
            sources = lambda: [service.metrics] if service.metrics else []  # noqa: E731
            metrics = serve_metrics(sources, metrics_host, metrics_port)
        except OSError as error:
            control.close()
            service.close()
            raise InvalidInput(f"cannot listen on --metrics {args.metrics}: {error.strerror}") from None
        (folder / "metrics.url").write_text(metrics.url + "\n")
    (folder / "control.port").write_text(f"{control.port}\n")
    (folder / "node.pid").write_text(f"{os.getpid()}\n")  # for 'drand-edu stop'
    print(f"node listening: peers on {private}, control on 127.0.0.1:{control.port}", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.2):  # short waits: the signal handler runs between them
            pass
    except KeyboardInterrupt:
        pass
    control.close()
    if metrics is not None:
        metrics.close()
    if service.daemon is not None:
        service.daemon.stop_api()
    service.close()
    # nothing left that points at a dead node
    for name in ("control.port", "public.url", "metrics.url", "node.pid"):
        (folder / name).unlink(missing_ok=True)
    return EXIT_OK
