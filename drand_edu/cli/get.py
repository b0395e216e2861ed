"""``drand-edu get``: read a chain over HTTP, verified, like drand's ``drand get``.

    drand-edu get chain-info --url http://127.0.0.1:8080
    drand-edu get public --url http://127.0.0.1:8080 --chain-hash HASH [--round 42]

``public`` prints the beacon as drand's JSON after verifying it against the pinned chain (without
``--chain-hash`` the chain is trusted on first use, and a line on stderr says so). Several ``--url``
give failover.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..client.client import Client
from . import EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "get", help="read chain info or a verified beacon from drand HTTP endpoints"
    )
    commands = parser.add_subparsers(dest="get_command", metavar="WHAT", required=True)
    for name, helptext in (("chain-info", "the chain's info JSON"), ("public", "a verified beacon")):
        command = commands.add_parser(name, help=helptext)
        command.add_argument("--url", action="append", required=True, help="base URL (repeat for failover)")
        command.add_argument("--chain-hash", help="the chain to trust (hex); without it: trust on first use")
        command.add_argument("--timeout", type=float, default=5.0, help="seconds per request (default 5)")
        if name == "public":
            command.add_argument("--round", type=int, default=0, help="round number (default: the latest)")
        command.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.chain_hash is None:
        print("warning: no --chain-hash: trusting whatever chain the first endpoint serves", file=sys.stderr)
    client = Client(
        args.url, chain_hash=args.chain_hash, trust_on_first_use=args.chain_hash is None, timeout=args.timeout
    )
    if args.get_command == "chain-info":
        print(json.dumps(client.info().to_json(), indent=1))
    else:
        beacon = client.get(args.round) if args.round else client.latest()
        print(json.dumps(beacon.to_json(), indent=1))
    return EXIT_OK
