"""``drand-edu simulate``: a DKG and R rounds of a local network on a virtual clock, written as drand JSON.

    drand-edu simulate --nodes 5 --threshold 3 --period 3 --rounds 20 --scheme pedersen-bls-chained \\
        --seed 42 --faults "crash:1@5-9;partition:0,1|2,3,4@12-14;loss:0.1" --out run/

writes ``run/info.json`` (drand's ``/info``) and ``run/beacons.json`` (drand's ``/public`` beacons of
the most advanced node), which ``drand-edu verify --info run/info.json run/beacons.json`` and the
``drand-verify`` package check. The same seed gives the same bytes.

Fault SPEC, ``;``-separated, rounds inclusive:

* ``crash:N@A-B`` — node N is down from round A's time until round B's time;
* ``partition:G|G…@A-B`` — nodes split into groups (``0,1|2,3``) between those rounds;
* ``loss:P`` — every message is lost with probability P; ``latency:S`` — seconds per message.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field

from ..errors import InvalidInput
from ..net.sim import Link
from ..node.network import LocalNetwork
from ..rng import seeded_rng
from . import EXIT_OK


@dataclass
class FaultSpec:
    """The parsed ``--faults`` option."""

    crashes: list[tuple[int, int, int]] = field(default_factory=list)  # (node, from round, to round)
    partitions: list[tuple[list[set[int]], int, int]] = field(default_factory=list)
    loss: float = 0.0
    latency: float = 0.05


_WINDOW = r"@(\d+)-(\d+)$"


def parse_faults(text: str, nodes: int) -> FaultSpec:
    """Parse a fault SPEC (see the module docstring); :class:`InvalidInput` with the bad part."""
    spec = FaultSpec()
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        kind, _, value = part.partition(":")
        try:
            if kind == "crash":
                node, start, end = (int(x) for x in re.fullmatch(r"(\d+)" + _WINDOW, value).groups())
                spec.crashes.append((node, start, end))
            elif kind == "partition":
                groups_text, start, end = re.fullmatch(r"([\d,|]+)" + _WINDOW, value).groups()
                groups = [{int(n) for n in group.split(",")} for group in groups_text.split("|")]
                spec.partitions.append((groups, int(start), int(end)))
            elif kind == "loss":
                spec.loss = float(value)
            elif kind == "latency":
                spec.latency = float(value)
            else:
                raise ValueError(kind)
        except (AttributeError, ValueError):
            raise InvalidInput(f"bad fault {part!r}: see 'drand-edu simulate --help'") from None
    named = {n for n, _, _ in spec.crashes} | {
        n for groups, _, _ in spec.partitions for g in groups for n in g
    }
    if any(not 0 <= n < nodes for n in named):
        raise InvalidInput(f"faults name nodes outside 0..{nodes - 1}")
    return spec


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run a DKG and R rounds of a local network on a virtual clock; write drand JSON",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--nodes", type=int, default=5, help="group size n (default 5)")
    parser.add_argument("--threshold", type=int, help="t (default: drand's minimum, n/2 + 1)")
    parser.add_argument("--period", type=int, default=3, help="seconds between rounds (default 3)")
    parser.add_argument("--rounds", type=int, default=20, help="rounds to run (default 20)")
    parser.add_argument(
        "--scheme", default="pedersen-bls-chained", help="scheme id (default pedersen-bls-chained)"
    )
    parser.add_argument("--seed", default="0", help="seed: the same seed gives the same bytes")
    parser.add_argument("--faults", default="", help="fault SPEC (see below)")
    parser.add_argument("--genesis", type=int, default=1_700_000_000, help="genesis time (Unix seconds)")
    parser.add_argument("--out", required=True, help="folder for info.json and beacons.json")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.nodes < 1 or args.rounds < 0 or args.period < 1:
        raise InvalidInput("need --nodes >= 1, --rounds >= 0 and --period >= 1")
    faults = parse_faults(args.faults, args.nodes)
    link = Link(latency=faults.latency, jitter=faults.latency / 4, loss=faults.loss)
    net = LocalNetwork.create(
        args.nodes, args.threshold, args.scheme, period=args.period, genesis_time=args.genesis,
        beacon_id="default", link=link, rng=seeded_rng(f"simulate/{args.seed}"),
    )  # fmt: skip
    time_of = net.info.time_of_round
    for node, start, end in faults.crashes:
        net.sim.schedule(time_of(start), lambda node=node: net.crash(node))
        net.sim.schedule(time_of(end), lambda node=node: net.restart(node))
    for groups, start, end in faults.partitions:
        net.sim.schedule(time_of(start), lambda groups=groups: net.sim.partition(*groups))
        net.sim.schedule(time_of(end), net.sim.heal)
    net.run_rounds(args.rounds)
    info_path, beacons_path = net.export(args.out)
    threshold, seconds = net.processes[0].threshold, args.rounds * args.period
    print(f"chain {net.info.hash_hex[:16]}… ({net.info.scheme.id}), n = {args.nodes}, t = {threshold}")
    print(f"{net.head()} rounds produced in {seconds} s of virtual time; node heads {net.heads()}")
    print(f"wrote {info_path} and {beacons_path}")
    return EXIT_OK
