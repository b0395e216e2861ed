"""``drand-edu generate-keypair``, ``show``, ``stop`` and ``sync``: the rest of an operator's day.

    drand-edu generate-keypair --folder node0 [--scheme pedersen-bls-chained] 127.0.0.1:4444
    drand-edu show public-key|share|group|chain-info --folder node0
    drand-edu stop --folder node0
    drand-edu sync --url URL --chain-hash HASH --db follower.db [--follow N]
    drand-edu follow --url URL --chain-hash HASH --db follower.db [--rounds N]

``show share`` prints the share's *index* and whether it matches the group's public polynomial —
never the share itself. ``stop`` signals the node that ``start`` runs from that folder (its pid is in
``node.pid``). ``sync`` brings a SQLite store up to the latest round from HTTP endpoints, verifying
everything; ``--follow N`` then keeps it up to date for N more rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from pathlib import Path

from ..chain.info import ChainInfo
from ..client.client import Client
from ..client.source import ClientSource
from ..crypto.schemes import scheme_by_id
from ..errors import InvalidInput
from ..node.key_store import FileStore
from ..node.sync import BatchSync
from ..node.sync_http import follow_chain as stream_sync
from ..store.sqlite import SQLiteStore
from . import EXIT_INVALID, EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    keypair = subparsers.add_parser("generate-keypair", help="a node's long-term key pair, into its folder")
    keypair.add_argument("--folder", required=True, help="the node's folder (created if missing)")
    keypair.add_argument("--scheme", default="pedersen-bls-chained", help="default: %(default)s")
    keypair.add_argument("--id", "--beacon-id", dest="beacon_id", default="default",
                         help="the chain (beacon id) the key pair is for (default: %(default)s)")  # fmt: skip
    keypair.add_argument("address", nargs="?", default="",
                         help="where the node listens for its peers (HOST:PORT), as in drand")  # fmt: skip
    keypair.set_defaults(func=generate_keypair)

    show = subparsers.add_parser("show", help="what a node's folder holds (never a secret)")
    show.add_argument("what", choices=["public-key", "share", "group", "chain-info"])
    show.add_argument("--folder", required=True, help="the node's folder")
    show.add_argument("--beacon-id", default="default", help="which chain (default: %(default)s)")
    show.set_defaults(func=show_folder)

    stop = subparsers.add_parser("stop", help="stop the node that 'start' runs from --folder")
    stop.add_argument("--folder", required=True, help="the folder 'drand-edu start' runs from")
    stop.set_defaults(func=stop_node)

    sync = subparsers.add_parser("sync", help="sync (and follow) a chain into a SQLite store, verified")
    sync.add_argument("--url", action="append", required=True, help="base URL (repeat for failover)")
    sync.add_argument("--chain-hash", required=True, help="the chain to trust (hex), pinned")
    sync.add_argument("--db", required=True, help="the SQLite store to fill")
    sync.add_argument("--follow", type=int, default=0, help="then follow the chain for N more rounds")
    sync.add_argument("--sync-nodes", help="follow from these nodes' /sync streams (host:port,...), as drand")
    sync.set_defaults(func=sync_store)

    follow = subparsers.add_parser("follow", help="sync, then keep following the chain (Ctrl-C stops)")
    follow.add_argument("--url", action="append", required=True, help="base URL (repeat for failover)")
    follow.add_argument("--chain-hash", required=True, help="the chain to trust (hex)")
    follow.add_argument("--db", required=True, help="the SQLite store to fill")
    follow.add_argument("--rounds", type=int, help="stop after N new rounds (default: never)")
    follow.add_argument("--sync-nodes", help="follow these nodes' /sync streams (host:port,...), as drand")
    follow.set_defaults(func=follow_chain)


def generate_keypair(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if (folder / "multibeacon" / args.beacon_id / "key").exists():
        raise InvalidInput(f"{folder} already has a key pair for {args.beacon_id}: refusing to overwrite it")
    if args.address and not args.address.rpartition(":")[2].isdigit():
        raise InvalidInput(f"the address must be HOST:PORT, got {args.address!r}")
    keys = FileStore.generate(scheme_by_id(args.scheme), beacon_id=args.beacon_id, address=args.address)
    keys.save(folder)
    where = f" for {args.address}" if args.address else ""
    print(f"generated a {keys.scheme.id} key pair{where} in {folder}: public key {keys.public_key.hex()}")
    return EXIT_OK


def show_folder(args: argparse.Namespace) -> int:
    key_store = FileStore.load(args.folder, args.beacon_id)
    if args.what == "public-key":
        print(key_store.public_key.hex())
        return EXIT_OK
    if key_store.group is None or key_store.share is None:
        raise InvalidInput(f"{args.folder}: no DKG has run yet (no group file, no share)")
    if args.what == "share":
        matches = key_store.group.public_key.check(key_store.share)
        print(f"share index {key_store.share.index}; matches the group's public polynomial: {matches}")
        return EXIT_OK if matches else EXIT_INVALID
    if args.what == "group":
        print(key_store.group.to_toml(), end="")
    else:
        print(json.dumps(ChainInfo.from_group(key_store.group).to_json(), indent=1))
    return EXIT_OK


def stop_node(args: argparse.Namespace) -> int:
    pid_file = Path(args.folder) / "node.pid"
    if not pid_file.exists():
        raise InvalidInput(f"no node runs from {args.folder} (no node.pid)")
    try:
        os.kill(int(pid_file.read_text()), signal.SIGTERM)
    except ProcessLookupError:
        pass
    pid_file.unlink(missing_ok=True)
    print(f"stopped the node of {args.folder}")
    return EXIT_OK


def follow_chain(args: argparse.Namespace) -> int:
    """``drand-edu follow``: ``sync --follow`` without an end (``--rounds N`` for one)."""
    args.follow = args.rounds
    return sync_store(args)


def sync_store(args: argparse.Namespace) -> int:
    client = Client(args.url, chain_hash=args.chain_hash)
    info = client.info()
    seed = info.genesis_seed if info.scheme.chained else None
    with SQLiteStore(args.db, genesis_seed=seed) as store:
        manager = BatchSync(info, store, [ClientSource(client)], chunk=100)
        report = manager.sync(client.latest().round)
        for problem in report.rejected:
            print("rejected:", problem)
        print(f"synced to round {store.last_round()} ({report.stored} new, all verified)")
        following = args.follow is None or args.follow > 0
        nodes = [a for a in (getattr(args, "sync_nodes", None) or "").split(",") if a]
        if following and nodes:  # drand's sync --follow: the nodes' SyncChain streams, shuffled
            up_to = store.last_round() + args.follow if args.follow else 0
            show = lambda beacon: print(f"followed round {beacon.round}")  # noqa: E731
            stream_sync(info, store, nodes, up_to=up_to, on_beacon=show)
            following = False
        followed = 0
        for beacon in client.watch() if following else ():
            if beacon.round <= store.last_round():  # watch starts with the current round: maybe synced
                continue
            report = manager.sync(beacon.round)
            print(f"followed round {store.last_round()}")
            followed += 1
            if args.follow is not None and followed >= args.follow:
                break
    return EXIT_OK if report.ok else EXIT_INVALID
