"""``drand-edu client get``: read a chain over HTTP, verified, like go-clients' ``drand-client get``.

    drand-edu client get chain-info --url http://127.0.0.1:8080
    drand-edu client get public --url http://127.0.0.1:8080 --hash HASH [ROUND]
    drand-edu client get public --url http://127.0.0.1:8080 --insecure [ROUND]

drand v2's own CLI has no ``get``: reading randomness is the job of the client, whose command line
is ``drand-client`` in ``drand/go-clients``
([`getPublicRandomness`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/internal/cli.go#L108-L130)
takes the round as a positional argument, 0 or none for the latest;
[`getChainInfo`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/internal/cli.go#L132-L144)
prints the info). Ours is named after it and uses our :class:`~drand_edu.client.client.Client`.

The root of trust, as in go-clients and where ours differs (``tests/data/differences.toml``):

* drand's ``get`` builds its client with
  [`Create`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/internal/lib/cli.go#L119-L207),
  whose
  [`makeClient`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/client.go#L60-L65)
  refuses "no root of trust specified" unless ``--insecure``: there is no silent trust-on-first-use.
  Ours refuses ``get public`` the same way (exit 2); ``--insecure`` accepts the chain the first endpoint
  serves at ``/info`` (with a line on stderr), as drand's does, and only if that is the default
  beacon's chain, as go-clients'
  [`FetchChainInfo`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/http/http.go#L227-L294)
  refuses any other without a chain hash.
* drand's ``get`` registers ``--hash-list``
  ([`appCommands`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/internal/cli.go#L27-L51))
  but ``Create`` never reads it, and the ``--hash`` it does read is not a flag of ``get``: drand's
  ``get`` cannot pin a chain at all. Ours pins with ``--hash`` (or ``--chain-hash``, or one
  ``--hash-list``): the info's hash is recomputed and compared, every beacon verified.
* ``get chain-info`` without a pin prints the info (its hash recomputed, nothing else trusted), where
  drand's wants ``--insecure`` for it too: it is how one learns the hash to pin.

Several ``--url`` give failover. Without a round, a "latest" beacon more than a round older than the
clock says is printed with a warning on stderr: it verifies, but it is stale
(:meth:`~drand_edu.client.client.Client.rounds_behind`).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..chain.info import is_default_beacon_id
from ..client.client import Client
from ..errors import InvalidInput
from ..hexbytes import from_hex
from . import EXIT_OK

#: rounds a "latest" beacon may lag the clock before ``get public`` warns (it appears a little late)
STALE_AFTER = 1

PIN_HELP = "the chain to trust (hex): its info's hash is recomputed and compared"
LIST_HELP = "drand-client's flag, which drand's get ignores: here it pins like --hash (one chain)"
INSECURE_HELP = "no pin: trust the chain the first endpoint serves (drand-client's flag)"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("client", help="a randomness client (go-clients' drand-client): get")
    verbs = parser.add_subparsers(dest="client_command", metavar="get", required=True)
    get = verbs.add_parser("get", help="chain info or a verified beacon from drand HTTP endpoints")
    commands = get.add_subparsers(dest="get_command", metavar="WHAT", required=True)
    for name, helptext in (("chain-info", "the chain's info JSON"), ("public", "a verified beacon")):
        command = commands.add_parser(name, help=helptext)
        command.add_argument("--url", action="append", required=True, help="base URL (repeat for failover)")
        command.add_argument("--hash", "--chain-hash", dest="chain_hash", help=PIN_HELP)
        command.add_argument("--hash-list", action="append", default=[], metavar="HASH", help=LIST_HELP)
        command.add_argument("--insecure", action="store_true", help=INSECURE_HELP)
        command.add_argument("--timeout", type=float, default=5.0, help="seconds per request (default 5)")
        if name == "public":
            command.add_argument("round_arg", nargs="?", type=int, metavar="ROUND",
                                 help="round number (default: the latest)")  # fmt: skip
            command.add_argument("--round", type=int, default=0, help="ours: the round, as a flag")
        command.set_defaults(func=run)


def pinned_hash(args: argparse.Namespace) -> str | None:
    """The one chain hash given by ``--hash``/``--chain-hash`` and ``--hash-list``, or None.

    Several different hashes are refused: a ``get`` reads one chain, and which one to trust is not a
    thing to guess. Malformed hex is refused here, before any request.
    """
    given = ([args.chain_hash] if args.chain_hash is not None else []) + list(args.hash_list)
    hashes = {from_hex(h, what="chain hash", length=32).hex() for h in given}
    if len(hashes) > 1:
        raise InvalidInput(f"{len(hashes)} different chain hashes given: a get reads one chain, pin one")
    return hashes.pop() if hashes else None


def run(args: argparse.Namespace) -> int:
    chain_hash = pinned_hash(args)
    if chain_hash is None:
        if args.get_command == "public" and not args.insecure:
            raise InvalidInput(
                "no root of trust specified: pin the chain with --hash HASH, or say --insecure to trust "
                "whatever chain the first endpoint serves (drand-client refuses the same way)"
            )
        print("warning: no --hash: trusting whatever chain the first endpoint serves", file=sys.stderr)
    client = Client(
        args.url, chain_hash=chain_hash, trust_on_first_use=chain_hash is None, timeout=args.timeout
    )
    if args.get_command == "chain-info":
        print(json.dumps(client.info().to_json(), indent=1))
        return EXIT_OK
    if chain_hash is None and not is_default_beacon_id(client.info().beacon_id):
        # go-clients' FetchChainInfo without a chain hash trusts only the default beacon's chain
        raise InvalidInput(
            f"{args.url[0]} does not advertise the default drand for the default chain hash (it serves "
            f"beacon id {client.info().beacon_id[:40]!r}): pin its chain with --hash HASH"
        )
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
