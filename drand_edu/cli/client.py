"""``drand-edu client get``: read a chain over HTTP, verified, like go-clients' ``drand-client get``.

    drand-edu client get chain-info --url http://127.0.0.1:8080
    drand-edu client get public --url http://127.0.0.1:8080 --hash HASH [ROUND]

drand v2's own CLI has no ``get``: reading randomness is the job of the client, whose command line
is ``drand-client`` in ``drand/go-clients``
([`getPublicRandomness`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/internal/cli.go#L108-L130)
takes the round as a positional argument, 0 or none for the latest;
[`getChainInfo`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/internal/cli.go#L132-L144)
prints the info). Ours is named after it and uses our :class:`~drand_edu.client.client.Client`:
``public`` prints the beacon as drand's JSON after verifying it against the pinned chain (without
``--hash``/``--chain-hash`` the chain is trusted on first use, and a line on stderr says so).
Several ``--url`` give failover. Without a round, a "latest" beacon more than a round older than the
clock says is printed with a warning on stderr: it verifies, but it is stale
(:meth:`~drand_edu.client.client.Client.rounds_behind`).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..client.client import Client
from ..errors import InvalidInput
from . import EXIT_OK

#: rounds a "latest" beacon may lag the clock before ``get public`` warns (it appears a little late)
STALE_AFTER = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("client", help="a randomness client (go-clients' drand-client): get")
    verbs = parser.add_subparsers(dest="client_command", metavar="get", required=True)
    get = verbs.add_parser("get", help="chain info or a verified beacon from drand HTTP endpoints")
    commands = get.add_subparsers(dest="get_command", metavar="WHAT", required=True)
    for name, helptext in (("chain-info", "the chain's info JSON"), ("public", "a verified beacon")):
        command = commands.add_parser(name, help=helptext)
        command.add_argument("--url", action="append", required=True, help="base URL (repeat for failover)")
        command.add_argument("--hash", "--chain-hash", dest="chain_hash",
                             help="the chain to trust (hex); without it: trust on first use")  # fmt: skip
        command.add_argument("--timeout", type=float, default=5.0, help="seconds per request (default 5)")
        if name == "public":
            command.add_argument("round_arg", nargs="?", type=int, metavar="ROUND",
                                 help="round number (default: the latest)")  # fmt: skip
            command.add_argument("--round", type=int, default=0, help="ours: the round, as a flag")
        command.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.chain_hash is None:
        print("warning: no --hash: trusting whatever chain the first endpoint serves", file=sys.stderr)
    client = Client(
        args.url, chain_hash=args.chain_hash, trust_on_first_use=args.chain_hash is None, timeout=args.timeout
    )
    if args.get_command == "chain-info":
        print(json.dumps(client.info().to_json(), indent=1))
        return EXIT_OK
    round_number = args.round_arg if args.round_arg is not None else args.round
    if round_number < 0:
        raise InvalidInput(f"a round number is not negative, got {round_number}")
    beacon = client.get(round_number) if round_number else client.latest()
    behind = 0 if round_number else client.rounds_behind(beacon)
    if behind > STALE_AFTER:
        print(f"warning: the latest beacon served is round {beacon.round}, {behind} rounds older than "
              "the clock says (the endpoint lags, or replays an old answer; or this clock is wrong)",
              file=sys.stderr)  # fmt: skip
    print(json.dumps(beacon.to_json(), indent=1))
    return EXIT_OK
