"""``drand-edu dkg``: run a DKG among running nodes, like drand v2's ``drand dkg`` commands.

    drand-edu dkg init --folder node0 --joiner 127.0.0.1:4445 --joiner ... --threshold 3 --period 3s
    drand-edu dkg join --folder node1                  # on every other node
    drand-edu dkg execute --folder node0               # the leader, once everyone has joined
    drand-edu dkg status --folder node1 [--wait Complete]

    drand-edu dkg reshare --folder node0 --remainer ... --joiner ... --leaver ... --threshold 3
    drand-edu dkg accept --folder node1                # members of the current group
    drand-edu dkg join --folder node4 --group node0/multibeacon/default/groups/drand_group.toml

Each command is one call to the node's control port (``--folder``, whose running node wrote its port
to ``control.port``, or ``--control PORT``), with the secret token the node wrote to ``control.token``
in its folder: only the node's owner can read it, so only they can run its DKG. The node checks the
command against drand's DKG state machine and answers with the new status, or with drand's reason for
refusing it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import InvalidInput, parse_json
from ..threshold.group import parse_go_duration
from . import EXIT_INVALID, EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("dkg", help="run a DKG among running nodes (init, join, execute...)")
    commands = parser.add_subparsers(dest="dkg_command", metavar="COMMAND", required=True)

    def command(name: str, text: str, *, aliases: tuple[str, ...] = ()) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text, aliases=list(aliases))
        sub.add_argument("--folder", help="the node's folder (control.port, control.token)")
        sub.add_argument("--control", type=int, help="the node's control port on 127.0.0.1")
        sub.set_defaults(func=run, dkg_command=name)
        return sub

    init = command("init", "lead the first DKG of a chain (the leader joins it too)", aliases=("propose",))
    init.add_argument("--joiner", action="append", default=[], help="address of a node (repeat)")
    init.add_argument("--threshold", type=int, required=True, help="partials needed for a beacon")
    init.add_argument("--period", default="30s", help="time between rounds, e.g. 3s (default 30s)")
    init.add_argument("--scheme", help="default: the scheme of the leader's key pair")
    init.add_argument("--catchup-period", help="whole seconds between rounds while catching up (default 0s)")
    init.add_argument("--genesis-delay", default="10s", help="genesis this long after the proposal")
    init.add_argument("--timeout", default="5m", help="the proposal expires after this long")

    reshare = command("reshare", "lead a resharing of the group key to a new set of nodes")
    reshare.add_argument("--joiner", action="append", default=[], help="a new node (repeat)")
    reshare.add_argument("--remainer", action="append", default=[], help="a member who stays (repeat)")
    reshare.add_argument("--leaver", action="append", default=[], help="a member who leaves (repeat)")
    reshare.add_argument("--threshold", type=int, required=True, help="the new group's threshold")
    reshare.add_argument("--timeout", default="5m", help="the proposal expires after this long")
    reshare.add_argument("--transition-delay", default="30s", help="the new group signs from then on")

    join = command("join", "take part in a proposal as a new node")
    join.add_argument("--group", help="the current group file (needed to join a resharing)")
    command("accept", "accept a proposal (members of the current group)")
    command("reject", "reject a proposal (members of the current group)")
    command("execute", "start the DKG everywhere (the leader, once everyone joined or accepted)")
    command("abort", "call the current proposal off everywhere (the leader)")
    status = command("status", "the node's DKG state")
    status.add_argument("--format", choices=["pretty", "json"], default="pretty", help="json: everything")
    status.add_argument("--wait", metavar="STATUS", help="poll until the status is STATUS (e.g. Complete)")
    status.add_argument("--wait-timeout", type=float, default=60.0, help="give up after this many seconds")


def _seconds(text: str, what: str) -> float:
    return float(text) if text.replace(".", "", 1).isdigit() else parse_go_duration(text, what=what)


def _whole_seconds(text: str, what: str) -> int:
    """drand's chain info keeps the period in whole seconds."""
    seconds = _seconds(text, what)
    if seconds != int(seconds) or seconds < 1:
        raise InvalidInput(f"{what}: a period is a whole number of seconds (at least 1), got {text!r}")
    return int(seconds)


def _control_url(args: argparse.Namespace) -> tuple[str, str | None]:
    """The control URL and token: ``--folder`` gives both (``--control`` may name the port)."""
    if args.folder is None and args.control is None:
        raise InvalidInput("say which node: --folder (its folder) or --control PORT")
    token = None
    if args.folder is not None:
        from ..api.control import read_token  # here: the CLI's start-up stays light

        token = read_token(Path(args.folder)) if (Path(args.folder) / "control.token").exists() else None
    if args.control is not None:
        return f"http://127.0.0.1:{args.control}", token
    port_file = Path(args.folder) / "control.port"
    if not port_file.exists() or token is None:
        raise InvalidInput(f"no node runs from {args.folder} (no control.port): 'drand-edu start' it first")
    return f"http://127.0.0.1:{port_file.read_text().strip()}", token


def call(url: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    """One control call: GET without a body, POST with one; InvalidInput with the node's reason."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url + path, data=data, method="GET" if body is None else "POST",
                                     headers=headers)  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return _json_object(answer.read(1 << 20))
    except urllib.error.HTTPError as error:
        reason = _json_object(error.read(1 << 16) or b"{}").get("error", error.reason)
        raise InvalidInput(f"the node refused: {reason}") from None
    except (OSError, http.client.HTTPException) as error:
        raise InvalidInput(f"cannot reach the node's control port {url}: {error}") from None


def _json_object(data: bytes) -> dict:
    value = parse_json(data, what="the control port's answer")
    if not isinstance(value, dict):
        raise InvalidInput("the control port's answer is not a JSON object")
    return value


def run(args: argparse.Namespace) -> int:
    url, token = _control_url(args)
    name = args.dkg_command
    if name == "status":
        return _status(url, token, args)
    body: dict = {}
    if name == "init":
        catchup = _seconds(args.catchup_period, "--catchup-period") if args.catchup_period else None
        body = {
            "joiners": args.joiner, "threshold": args.threshold,
            "period": _whole_seconds(args.period, "--period"), "scheme": args.scheme,
            "genesis_delay": _seconds(args.genesis_delay, "--genesis-delay"),
            "timeout": _seconds(args.timeout, "--timeout"), "catchup_period": catchup,
        }  # fmt: skip
    elif name == "reshare":
        body = {
            "joiners": args.joiner, "remainers": args.remainer, "leavers": args.leaver,
            "threshold": args.threshold, "timeout": _seconds(args.timeout, "--timeout"),
            "transition_delay": _seconds(args.transition_delay, "--transition-delay"),
        }  # fmt: skip
    elif name == "join" and args.group:
        try:
            body = {"group": Path(args.group).read_text()}
        except OSError as error:
            raise InvalidInput(f"cannot read {args.group}: {error.strerror}") from None
    answer = call(url, f"/dkg/{name}", body, token)
    if name in ("init", "reshare"):
        print(f"proposed epoch {answer['epoch']}: now 'drand-edu dkg join' (new nodes) or 'dkg accept' "
              "(members) on the others, then 'drand-edu dkg execute' here")  # fmt: skip
    else:
        print(f"{name}: status {answer['status']}")
    return EXIT_OK


def _status(url: str, token: str | None, args: argparse.Namespace) -> int:
    deadline = time.time() + args.wait_timeout
    state = call(url, "/dkg/status", token=token)
    while args.wait and state["status"] != args.wait:
        if time.time() > deadline or state["status"] in ("Failed", "TimedOut", "Aborted"):
            print(f"status {state['status']} after waiting for {args.wait}; last events:")
            for line in state["log"]:
                print("  ", line)
            return EXIT_INVALID
        time.sleep(0.3)
        state = call(url, "/dkg/status", token=token)
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
