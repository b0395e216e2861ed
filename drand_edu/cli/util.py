"""``drand-edu util``: operator utilities, like drand's ``drand util`` (``internal/drand-cli``).

    drand-edu util check 127.0.0.1:4444 127.0.0.1:4445 [--id quicknet]
    drand-edu util check --group node0/multibeacon/default/groups/drand_group.toml
    drand-edu util list-schemes

``check`` is drand's
[`checkConnection`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L756-L818).
With bare addresses it only runs a health check of each one, as drand's
[`remotePingToNode`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L112-L120)
does with gRPC's health service: ours asks ``GET /health`` of our HTTP transport
(:func:`~drand_edu.net.http_transport.check_health`). It checks *identities* only when asked to, with
``--id`` or ``--group`` (all the nodes of a group file): then it asks every node for its identity for
the beacon id and checks that the node answers with the address it was asked at
([`checkIdentityAddress`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L820-L851)).
One line per node; exit 0 when every node answers, 1 when some do not. Checking a chain *store*
is ``drand-edu sync`` (without ``--follow``).
"""

from __future__ import annotations

import argparse

from ..crypto.schemes import SCHEMES
from ..errors import InvalidInput
from ..net.http_transport import check_health, fetch_identity
from ..threshold.group import Group
from . import EXIT_INVALID, EXIT_OK
from .control import add_id_flag


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("util", help="operator utilities: check that nodes answer, list-schemes")
    commands = parser.add_subparsers(dest="util_command", metavar="UTIL", required=True)
    schemes = commands.add_parser("list-schemes", help="the signature schemes drand supports")
    schemes.set_defaults(func=list_schemes)
    check = commands.add_parser(
        "check",
        help="health-check nodes by address; with --id or --group, check their identities",
        description="With bare addresses: a health check of each (is a node serving there?). With --id "
        "(and addresses) or --group: ask each node for its identity for that beacon id and check that "
        "it answers with the address it was asked at.",
    )
    check.add_argument("address", nargs="*", help="HOST:PORT of a node's private (peer) address")
    check.add_argument("--group", help="check the identity of every node of this group file")
    check.add_argument("--verbose", action="store_true", help="say why a node does not answer")
    add_id_flag(check)
    # drand checks identities only when --id is set (even to ""): None tells "not given" apart
    check.set_defaults(func=check_nodes, beacon_id=None)


def list_schemes(args: argparse.Namespace) -> int:
    for scheme in SCHEMES.values():
        kind = "chained" if scheme.chained else "unchained"
        groups = f"keys on {scheme.key_group.label}, signatures on {scheme.sig_group.label}"
        print(f"{scheme.id:26} {groups}, {kind}")
    return EXIT_OK


def _host_port(address: str) -> str:
    """``address`` if it reads as ``HOST:PORT`` (drand's ``SplitHostPort`` test), else InvalidInput."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isascii() or not port.isdigit():
        raise InvalidInput(f"error for address {address}: expected HOST:PORT")
    return address


def _check_identity(address: str, beacon_id: str) -> None:
    identity = fetch_identity(address, beacon_id=beacon_id)
    if identity["address"] != address:
        raise InvalidInput(f"mismatch of address: contact {address} reply with {identity['address']}")


def check_nodes(args: argparse.Namespace) -> int:
    """Health-check the addresses, or (``--id``/``--group``) check each node's identity."""
    if args.group:
        if args.beacon_id is not None:
            raise InvalidInput("id flag is not required when using group flag")
        group = Group.load(args.group)
        addresses, beacon_id = [node.address for node in group.nodes], group.beacon_id
    elif args.address:
        addresses = [_host_port(address) for address in args.address]
        beacon_id = args.beacon_id or ""
    else:
        raise InvalidInput("util check expects a list of addresses or the --group flag")
    identity_check = bool(args.group) or args.beacon_id is not None
    silent = []
    for address in addresses:
        try:
            if identity_check:
                _check_identity(address, beacon_id)
            else:
                check_health(address)
        except InvalidInput as error:
            print(f"drand-edu: error checking id {address}" + (f": {error}" if args.verbose else ""))
            silent.append(address)
            continue
        print(f"drand-edu: id {address} answers correctly")
    if silent:
        print(f"following nodes don't answer: {','.join(silent)}")
        return EXIT_INVALID
    return EXIT_OK
