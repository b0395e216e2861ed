"""``drand-edu show`` and ``drand-edu stop``: what a node holds, and stopping it, like drand's.

    drand-edu show public|group|chain-info (--folder node0 | --control PORT) [--id quicknet]
    drand-edu show share --folder node0                 # ours: never prints the share itself
    drand-edu stop (--folder node0 | --control PORT) [--id quicknet]

drand's ``show`` asks the running daemon through its control port (``show public``: the node's
long-term key for that beacon id, drand's ``PublicKey`` call). Ours does the same when the node runs;
when it does not, it reads the key folder (drand's file store) instead, and says so. ``show share``
is ours: the share's *index* and whether it matches the group's public polynomial. ``public-key`` is
kept as another name for ``public``.

``stop`` is drand's: a ``Shutdown`` call on the control port, for one beacon process (``--id``) or,
without ``--id``, for the whole daemon (see
[`stopDaemon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/daemon.go#L52-L78)).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..chain.info import ChainInfo
from ..errors import InvalidInput
from ..node.key_store import FileStore
from . import EXIT_INVALID, EXIT_OK
from .control import add_control_flags, call, control_url, running


def register(subparsers: argparse._SubParsersAction) -> None:
    show = subparsers.add_parser("show", help="what a node holds: public key, group, chain info (no secret)")
    show.add_argument("what", choices=["public", "group", "chain-info", "share", "public-key"],
                      help="public, group, chain-info (drand's); share (ours)")  # fmt: skip
    add_control_flags(show)
    show.set_defaults(func=show_node)

    stop = subparsers.add_parser("stop", help="stop a running node (or one beacon) through its control port")
    add_control_flags(stop)
    stop.set_defaults(func=stop_node)


def show_node(args: argparse.Namespace) -> int:
    what = "public" if args.what == "public-key" else args.what
    if what != "share" and running(args):
        url, token = control_url(args)
        path = {"public": "/public-key", "group": "/group", "chain-info": "/chain-info"}[what]
        answer = call(url, path, token=token, beacon_id=args.beacon_id)
        print(answer["group"], end="") if what == "group" else print(json.dumps(answer, indent=1))
        return EXIT_OK
    if args.folder is None:
        raise InvalidInput("show share reads the node's folder: pass --folder")
    key_store = FileStore.load(args.folder, args.beacon_id or "default")
    if what == "public":
        print(f"(no node runs from {args.folder}: read from its key folder)", file=sys.stderr)
        keys = key_store
        identity = {"address": keys.address, "key": keys.public_key.hex(), "scheme": keys.scheme.id}
        print(json.dumps({**identity, "beacon_id": keys.beacon_id}, indent=1))
        return EXIT_OK
    if key_store.group is None or key_store.share is None:
        raise InvalidInput(f"{args.folder}: no DKG has run yet (no group file, no share)")
    if what == "share":
        matches = key_store.group.public_key.check(key_store.share)
        print(f"share index {key_store.share.index}; matches the group's public polynomial: {matches}")
        return EXIT_OK if matches else EXIT_INVALID
    if what == "group":
        print(key_store.group.to_toml(), end="")
    else:
        print(json.dumps(ChainInfo.from_group(key_store.group).to_json(), indent=1))
    return EXIT_OK


def stop_node(args: argparse.Namespace) -> int:
    url, token = control_url(args)
    call(url, "/shutdown", {}, token, beacon_id=args.beacon_id)
    if args.beacon_id:
        print(f"beacon process [{args.beacon_id}] stopped correctly. Bye.")
    else:
        print("drand-edu daemon stopped correctly. Bye.")
    return EXIT_OK
