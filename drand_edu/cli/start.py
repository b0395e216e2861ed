"""``drand-edu start``: run one node as a process, like ``drand start``.

    drand-edu start --folder node0 [--public 127.0.0.1:8080]

The folder holds the node's vault (its key pair, its DKG share and the group file, written by a DKG or
by ``drand-edu demo up``). The node listens for its peers on the address the group file gives it,
keeps its chain in ``chain.db`` (SQLite) in the folder, serves drand's public HTTP API on ``--public``
and writes that API's URL to ``public.url``. It asks its peers for any rounds it missed, then signs a
partial at each round's time. SIGTERM or Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path

from ..api.server import serve_node
from ..chain.info import ChainInfo
from ..errors import InvalidInput
from ..net.http_transport import HttpNetwork
from ..node.beacon_process import BeaconProcess
from ..node.daemon import Daemon
from ..node.metrics import NodeMetrics
from ..node.vault import Vault
from ..store.sqlite import SQLiteStore
from . import EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("start", help="run one node (its vault in --folder) until stopped")
    parser.add_argument("--folder", required=True, help="the node's folder (vault, chain.db)")
    parser.add_argument("--beacon-id", default="default", help="which chain of the folder (default: default)")
    parser.add_argument("--public", default="127.0.0.1:0", help="public HTTP API address (port 0: any)")
    parser.set_defaults(func=run)


def _split(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise InvalidInput(f"address must be HOST:PORT, got {address!r}")
    return host, int(port)


def run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    vault = Vault.load(folder, args.beacon_id)
    if vault.group is None or vault.share is None:
        raise InvalidInput(f"{folder}: no group file or share yet: run a DKG first (drand-edu demo up)")
    group = vault.group
    me = next((n for n in group.nodes if n.public_key == vault.public_key), None)
    if me is None:
        raise InvalidInput(f"{folder}: this node's key is not in the group file")
    info = ChainInfo.from_group(group)
    host, port = _split(me.address)
    network = HttpNetwork(me.index, {n.index: f"http://{n.address}" for n in group.nodes}, host, port)
    store = SQLiteStore(
        folder / "multibeacon" / args.beacon_id / "chain.db",
        genesis_seed=info.genesis_seed if info.scheme.chained else None,
    )
    metrics = NodeMetrics(info.beacon_id)
    metrics.dkg_state("done")
    metrics.group(len(group.nodes), group.threshold)
    process = BeaconProcess(me.index, vault.share, info, group.public_key, group.threshold, store, network,
                            metrics=metrics)  # fmt: skip
    daemon = Daemon(vault, process)
    public_host, public_port = _split(args.public)
    server = serve_node(daemon, network.now, host=public_host, port=public_port)
    (folder / "public.url").write_text(server.url + "\n")
    (folder / "node.pid").write_text(f"{os.getpid()}\n")  # for 'drand-edu stop'

    def tick_at(round_number: int) -> None:
        process.tick()
        network.schedule(info.time_of_round(round_number + 1), lambda: tick_at(round_number + 1))

    current = max(info.round_at(network.now()), 1)
    network.schedule(network.now(), lambda: [process.request_sync(peer) for peer in network.peers])
    network.schedule(info.time_of_round(current), lambda: tick_at(current))
    print(f"node {me.index} of chain {info.hash_hex[:16]}…: peers on {me.address}, public API {server.url}",
          flush=True)  # fmt: skip

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.2):  # short waits: the signal handler runs between them
            pass
    except KeyboardInterrupt:
        pass
    server.close()
    network.close()
    store.close()
    return EXIT_OK
