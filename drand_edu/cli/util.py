"""``drand-edu util``: operator utilities, like drand's ``drand util`` (``internal/drand-cli``).

    drand-edu util check 127.0.0.1:4444 127.0.0.1:4445 [--id quicknet]
    drand-edu util check --group node0/multibeacon/default/groups/drand_group.toml
    drand-edu util list-schemes

``check`` is drand's
[`checkConnection`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L756-L818):
it asks every node (given as addresses, or all the nodes of a group file) for its identity for the
beacon id, and checks that the node answers with the address it was asked at
([`checkIdentityAddress`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L820-L851)).
One line per node; exit 0 when every node answers, 1 when some do not. Checking a chain *store*
is ``drand-edu sync`` (without ``--follow``).
"""

from __future__ import annotations

import argparse

from ..crypto.schemes import SCHEMES
from ..errors import InvalidInput
from ..net.http_transport import fetch_identity
from ..threshold.group import Group
from . import EXIT_INVALID, EXIT_OK
from .control import add_id_flag


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("util", help="operator utilities: check that nodes answer, list-schemes")
    commands = parser.add_subparsers(dest="util_command", metavar="UTIL", required=True)
    schemes = commands.add_parser("list-schemes", help="the signature schemes drand supports")
    schemes.set_defaults(func=list_schemes)
    check = commands.add_parser("check", help="check that nodes answer (addresses, or a group's nodes)")
    check.add_argument("address", nargs="*", help="HOST:PORT of a node's private (peer) address")
    check.add_argument("--group", help="check every node of this group file")
    check.add_argument("--verbose", action="store_true", help="say why a node does not answer")
    add_id_flag(check)
    check.set_defaults(func=check_nodes)


def list_schemes(args: argparse.Namespace) -> int:
    for scheme in SCHEMES.values():
        kind = "chained" if scheme.chained else "unchained"
        groups = f"keys on {scheme.key_group.label}, signatures on {scheme.sig_group.label}"
        print(f"{scheme.id:26} {groups}, {kind}")
    return EXIT_OK


def check_nodes(args: argparse.Namespace) -> int:
    beacon_id = args.beacon_id
    if args.group:
        if args.beacon_id:
            raise InvalidInput("id flag is not required when using group flag")
        group = Group.load(args.group)
        addresses, beacon_id = [node.address for node in group.nodes], group.beacon_id
    elif args.address:
        addresses = list(args.address)
    else:
        raise InvalidInput("util check expects a list of addresses or the --group flag")
    silent = []
    for address in addresses:
        try:
            identity = fetch_identity(address, beacon_id=beacon_id)
            if identity["address"] != address:
                raise InvalidInput(f"mismatch of address: contact {address} reply with {identity['address']}")
        except InvalidInput as error:
            print(f"drand-edu: error checking id {address}" + (f": {error}" if args.verbose else ""))
            silent.append(address)
            continue
        print(f"drand-edu: id {address} answers correctly")
    if silent:
        print(f"following nodes don't answer: {','.join(silent)}")
        return EXIT_INVALID
    return EXIT_OK
