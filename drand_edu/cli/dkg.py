"""``drand-edu dkg``: run a DKG among running nodes, like drand v2's ``drand dkg`` commands.

drand's way, first a proposal file, then the proposal::

    drand-edu dkg generate-proposal --folder node0 --joiner 127.0.0.1:4444 --joiner ... --out proposal.toml
    drand-edu dkg init --folder node0 --proposal proposal.toml --threshold 3 --period 3s \
        --scheme pedersen-bls-chained --catchup-period 1s --genesis-delay 10s
    drand-edu dkg join --folder node1                  # on every other node
    drand-edu dkg execute --folder node0               # the leader, once everyone has joined
    drand-edu dkg status --folder node1 [--wait Complete]

    drand-edu dkg reshare --folder node0 --proposal proposal.toml --threshold 3
    drand-edu dkg accept --folder node1                # members of the current group
    drand-edu dkg join --folder node4 --group node0/multibeacon/default/groups/drand_group.toml

    drand-edu dkg nuke --folder node1 [--yes]          # forget a squatted or orphaned DKG

[`generateProposalCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_cli.go#L679-L805)
asks every joiner's node for its identity (``GetIdentity``, for the ``--id`` beacon) and writes
their addresses and keys to the TOML file (``[[Joining]]``, ``[[Remaining]]``, ``[[Leaving]]``
with ``Address``, ``Key``, ``Signature``; drand's ``ProposalFileFormat``); our
:func:`generate_proposal` does the same. [`parseInitialProposal`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_cli.go#L261-L299)
refuses an initial proposal unless ``--proposal``, ``--period``, ``--scheme``,
``--catchup-period``, ``--genesis-delay`` and ``--threshold`` are all given; ``--timeout`` defaults
to drand's 24 hours (``DefaultDKGTimeout``). Our ``init --proposal`` requires the same flags.

Ours, beside drand's: ``dkg init --joiner ADDRESS ...`` (no file; then ``--period`` defaults to 30s,
``--catchup-period`` to 0s, ``--genesis-delay`` to 10s and ``--scheme`` to the leader's
key pair's), and likewise ``dkg reshare --joiner/--remainer/--leaver``.

Each command is one call to the node's control port (``--folder``, whose running node wrote its port
to ``control.port``, or ``--control PORT``), with the secret token the node wrote to ``control.token``
in its folder (only the node's owner can read it, so only they can run its DKG), for the beacon id
``--id`` (default: the default beacon), as drand's ``CommandMetadata.BeaconID``. The node checks the
command against drand's DKG state machine and answers with the new status, or with drand's reason
for refusing it. The numbers of ``init`` and ``reshare`` are checked here first, then again by the
node (one line, exit 2; a 400 from the control port): drand's are ``uint32`` and Go durations.

``dkg nuke`` is drand's ``drand dkg nuke``
([`dkg_cli.go`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_cli.go#L143-L149),
[`NukeDKGStateCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_repair.go#L17-L43)):
it asks y/n and resets the beacon's DKG state. drand's works on a stopped node's database; ours
asks the running node, whose DKG state lives in memory
(:meth:`~drand_edu.node.dkg_process.DKGProcess.nuke`).
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from pathlib import Path

import tomli_w

from ..errors import DKGError, InvalidInput
from ..net.http_transport import fetch_identity
from ..node.dkg_process import UINT32_MAX, duration, whole_number
from ..threshold.group import parse_go_duration
from . import EXIT_INVALID, EXIT_OK
from .control import NodeRefused, add_control_flags, call, control_url

__all__ = ["call", "generate_proposal", "register"]

#: drand's ``core.DefaultDKGTimeout``: a DKG not complete after this long is aborted
DEFAULT_DKG_TIMEOUT = "24h"
#: the flags drand requires of an initial proposal (``parseInitialProposal``)
REQUIRED_FOR_INIT = ("proposal", "period", "scheme", "catchup_period", "genesis_delay", "threshold")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dkg", help="run a DKG among running nodes (generate-proposal, init, join, execute...)"
    )
    commands = parser.add_subparsers(dest="dkg_command", metavar="COMMAND", required=True)

    def command(name: str, text: str, *, aliases: tuple[str, ...] = ()) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text, aliases=list(aliases))
        add_control_flags(sub)
        sub.set_defaults(func=run, dkg_command=name)
        return sub

    proposal = command("generate-proposal", "write a proposal file: the participants' addresses and keys")
    proposal.add_argument("--joiner", action="append", default=[], help="address of a new node (repeat)")
    proposal.add_argument("--remainer", action="append", default=[], help="a member who stays (repeat)")
    proposal.add_argument("--leaver", action="append", default=[], help="a member who leaves (repeat)")
    proposal.add_argument("--out", required=True, help="where to write the proposal file (TOML)")

    init = command("init", "lead the first DKG of a chain (the leader joins it too)", aliases=("propose",))
    init.add_argument("--proposal", help="the proposal file (drand's way: then every flag below is required)")
    init.add_argument("--joiner", action="append", default=[], help="ours: a node's address instead (repeat)")
    init.add_argument("--threshold", type=int, help="partials needed for a beacon")
    init.add_argument("--period", help="time between rounds, e.g. 3s (with --joiner: default 30s)")
    init.add_argument("--scheme", help="the chain's scheme (with --joiner: default the leader's key pair's)")
    init.add_argument("--catchup-period", help="whole seconds between rounds when catching up (--joiner: 0s)")
    init.add_argument("--genesis-delay", help="genesis this long after the proposal (--joiner: 10s)")
    init.add_argument("--timeout", default=DEFAULT_DKG_TIMEOUT,
                      help="abort the DKG if not done by then (default %(default)s, drand's)")  # fmt: skip

    reshare = command("reshare", "lead a resharing of the group key to a new set of nodes")
    reshare.add_argument("--proposal", help="the proposal file (joiners, remainers, leavers)")
    reshare.add_argument("--joiner", action="append", default=[], help="ours: a new node (repeat)")
    reshare.add_argument("--remainer", action="append", default=[], help="ours: a member who stays (repeat)")
    reshare.add_argument("--leaver", action="append", default=[], help="ours: a member who leaves (repeat)")
    reshare.add_argument("--threshold", type=int, required=True, help="the new group's threshold")
    reshare.add_argument("--timeout", default=DEFAULT_DKG_TIMEOUT,
                         help="abort the DKG if not done by then (default %(default)s)")  # fmt: skip
    reshare.add_argument("--transition-delay", default="30s", help="the new group signs from then on")

    join = command("join", "take part in a proposal as a new node")
    join.add_argument("--group", help="the current group file (needed to join a resharing)")
    command("accept", "accept a proposal (members of the current group)")
    command("reject", "reject a proposal (members of the current group)")
    command("execute", "start the DKG everywhere (the leader, once everyone joined or accepted)")
    command("abort", "call the current proposal off everywhere (the leader)")
    nuke = command("nuke", "forget the beacon's DKG state (a squatted or orphaned DKG); keys stay")
    nuke.add_argument("--yes", action="store_true", help="do not ask y/n (drand always asks)")
    status = command("status", "the node's DKG state")
    status.add_argument("--format", choices=["pretty", "json"], default="pretty", help="json: everything")
    status.add_argument("--wait", metavar="STATUS", help="poll until the status is STATUS (e.g. Complete)")
    status.add_argument("--wait-timeout", type=float, default=60.0, help="give up after this many seconds")


def _seconds(text: str, what: str, *, positive: bool = False) -> float:
    """A duration flag (``30s``, ``1m30s`` or plain seconds), at most a Go duration (:func:`duration`)."""
    seconds = float(text) if text.replace(".", "", 1).isdigit() else parse_go_duration(text, what=what)
    return duration(seconds, what, positive=positive)


def _whole_seconds(text: str, what: str, *, low: int = 1) -> int:
    """drand's chain info keeps the period in whole seconds, a uint32 (:func:`whole_number`)."""
    seconds = float(text) if text.replace(".", "", 1).isdigit() else parse_go_duration(text, what=what)
    try:
        return whole_number(seconds, what, low=low)
    except InvalidInput:
        raise InvalidInput(f"{what}: a period is a whole number of seconds (from {low} to {UINT32_MAX}), "
                           f"got {text!r}"[:200]) from None  # fmt: skip


# -- the proposal file (drand's ProposalFileFormat) -------------------------------------------------
ROLES = {"Joining": "joiners", "Remaining": "remainers", "Leaving": "leavers"}


Proposal = dict[str, list[dict[str, str]]]


def generate_proposal(url: str, token: str | None, beacon_id: str, joiners: list[str],
                      remainers: list[str], leavers: list[str]) -> Proposal:  # fmt: skip
    """drand's ``generateProposalCmd``: every participant's address, key and signature, by role."""
    if not joiners and not remainers:
        raise InvalidInput("you must add joiners and/or remainers to the proposal")
    ours = call(url, "/public-key", token=token, beacon_id=beacon_id)
    try:  # an existing group file: not a fresh start
        group = call(url, "/group", token=token, beacon_id=beacon_id)["group"]
    except (InvalidInput, NodeRefused, KeyError):
        group = None
    if group is None and (remainers or leavers):
        raise InvalidInput("the network isn't running yet - cannot have remainers or leavers")
    proposal: Proposal = {}
    for role, addresses in (("Joining", joiners), ("Remaining", remainers), ("Leaving", leavers)):
        for address in addresses:
            try:
                identity = fetch_identity(address, beacon_id=beacon_id)
            except InvalidInput:
                if role != "Leaving" or group is None:  # a leaver's key may come from the group file
                    raise
                identity = _from_group(group, address)
            if identity["address"] != address:
                raise DKGError(f"node {address} returned a public key signed for {identity['address']}")
            if identity["scheme"] != ours.get("scheme"):
                raise DKGError(f"{address} has a {identity['scheme']} key, the leader {ours.get('scheme')}")
            entry = {"Address": address, "Key": identity["key"], "Signature": identity.get("signature", "")}
            proposal.setdefault(role, []).append(entry)
    return proposal


def _from_group(group_toml: str, address: str) -> dict[str, str]:
    for node in tomllib.loads(group_toml).get("Nodes", []):
        if node.get("Address") == address:
            return {"address": address, "key": node["Key"], "scheme": node.get("SchemeName", "")}
    raise InvalidInput(f"address {address} was not found in the group file")


def read_proposal(path: str) -> Proposal:
    """drand's ``ParseProposalFile``: the participants by role (``Joining``, ``Remaining``, ``Leaving``)."""
    try:
        table = tomllib.loads(Path(path).read_text())
        return {role: [{"Address": str(p["Address"]), "Key": str(p["Key"])} for p in table.get(role, [])]
                for role in ROLES}  # fmt: skip
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise InvalidInput(f"{path}: not a proposal file ({error})") from None


def _initial_body(args: argparse.Namespace) -> dict:
    if args.proposal is None and not args.joiner:
        raise InvalidInput("--proposal (drand's) or --joiner is required for an initial proposal")
    if args.proposal is not None:
        for flag in REQUIRED_FOR_INIT:
            if getattr(args, flag) is None:
                raise InvalidInput(f"{flag.replace('_', '-')} flag is required for initial proposals")
        proposal = read_proposal(args.proposal)
        if proposal["Leaving"] or proposal["Remaining"]:
            raise InvalidInput("your proposal file must not have `Leaving` or `Remaining` for an initial DKG")
        if not proposal["Joining"]:
            raise InvalidInput("your proposal file must have `Joining`")
        joiners = [p["Address"] for p in proposal["Joining"]]
        participants = [{"address": p["Address"], "key": p["Key"]} for p in proposal["Joining"]]
    else:
        joiners, participants = args.joiner, []
    if args.threshold is None:
        raise InvalidInput("threshold flag is required for initial proposals")
    catchup = _whole_seconds(args.catchup_period, "--catchup-period", low=0) if args.catchup_period else None
    return {
        "joiners": joiners, "proposal": participants,
        "threshold": whole_number(args.threshold, "--threshold", low=1),
        "period": _whole_seconds(args.period or "30s", "--period"), "scheme": args.scheme,
        "genesis_delay": _seconds(args.genesis_delay or "10s", "--genesis-delay"),
        "timeout": _seconds(args.timeout, "--timeout", positive=True), "catchup_period": catchup,
    }  # fmt: skip


def _reshare_body(args: argparse.Namespace) -> dict:
    roles = {"joiners": args.joiner, "remainers": args.remainer, "leavers": args.leaver}
    if args.proposal is not None:
        proposal = read_proposal(args.proposal)
        if not proposal["Remaining"]:
            raise InvalidInput("you must provide remainers for a proposal")
        roles = {key: [p["Address"] for p in proposal[role]] for role, key in ROLES.items()}
    return {
        **roles, "threshold": whole_number(args.threshold, "--threshold", low=1),
        "timeout": _seconds(args.timeout, "--timeout", positive=True),
        "transition_delay": _seconds(args.transition_delay, "--transition-delay"),
    }  # fmt: skip


def run(args: argparse.Namespace) -> int:
    url, token = control_url(args)
    name = args.dkg_command
    if name == "status":
        return _status(url, token, args)
    if name == "generate-proposal":
        proposal = generate_proposal(url, token, args.beacon_id, args.joiner, args.remainer, args.leaver)
        Path(args.out).write_text(tomli_w.dumps(proposal))
        print(f"Proposal created successfully at path {args.out}")
        return EXIT_OK
    if name == "nuke":
        return _nuke(url, token, args)
    body: dict = {}
    if name == "init":
        body = _initial_body(args)
    elif name == "reshare":
        body = _reshare_body(args)
    elif name == "join" and args.group:
        try:
            body = {"group": Path(args.group).read_text()}
        except OSError as error:
            raise InvalidInput(f"cannot read {args.group}: {error.strerror}") from None
    answer = call(url, f"/dkg/{name}", body, token, beacon_id=args.beacon_id)
    if name in ("init", "reshare"):
        print(f"proposed epoch {answer['epoch']}: now 'drand-edu dkg join' (new nodes) or 'dkg accept' "
              "(members) on the others, then 'drand-edu dkg execute' here")  # fmt: skip
    else:
        print(f"{name}: status {answer['status']}")
    return EXIT_OK


def _nuke(url: str, token: str | None, args: argparse.Namespace) -> int:
    """drand's ``NukeDKGStateCmd``: warn, ask y/n (unless ``--yes``), then reset the DKG state."""
    beacon = args.beacon_id or "default"
    where = args.folder if args.folder is not None else url
    print(f"You are about to nuke the DKG state for beacon `{beacon}` of the node at `{where}`.")
    print("Its key pair, share and group file stay; a DKG in progress on this node is dropped.")
    if not args.yes:
        print("Are you sure you want to proceed? y/n: ", end="", flush=True)
        try:
            answer = input().strip()
        except (EOFError, OSError):  # no terminal to ask: as a "no"
            answer = ""
        if answer != "y":
            print("aborted by user: nothing changed")
            return EXIT_INVALID
    answer = call(url, "/dkg/nuke", {}, token, beacon_id=args.beacon_id)
    print(f"DKG state deleted successfully: status {answer['status']}")
    return EXIT_OK


def _status(url: str, token: str | None, args: argparse.Namespace) -> int:
    deadline = time.time() + args.wait_timeout
    state = call(url, "/dkg/status", token=token, beacon_id=args.beacon_id)
    while args.wait and state["status"] != args.wait:
        if time.time() > deadline or state["status"] in ("Failed", "TimedOut", "Aborted"):
            print(f"status {state['status']} after waiting for {args.wait}; last events:")
            for line in state["log"]:
                print("  ", line)
            return EXIT_INVALID
        time.sleep(0.3)
        state = call(url, "/dkg/status", token=token, beacon_id=args.beacon_id)
    if args.format == "json":
        print(json.dumps(state, indent=1))
        return EXIT_OK
    if state["leader"] is None:
        print(f"{state['address']}: {state['status']}, no DKG yet")
        return EXIT_OK
    print(f"{state['address']}: {state['status']}, epoch {state['epoch']}, leader {state['leader']}, "
          f"threshold {state['threshold']}")  # fmt: skip
    for role in ("joining", "remaining", "leaving", "acceptors"):
        if state[role]:
            print(f"  {role}: {', '.join(state[role])}")
    return EXIT_OK
