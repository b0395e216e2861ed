"""``drand-edu verify --info INFO.json BEACONS.json``: check beacons against a chain, offline.

Checks, in order: the chain info's stated hash (when present), every beacon's signature (one by one,
or batched with ``--batch``), and on chained schemes every link between consecutive rounds.
Exit codes: 0 all valid, 1 something is invalid, 2 the input cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..chain.batch import default_workers
from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import verify_chain
from ..crypto.backend import use_backend
from ..errors import ChainMismatch, InvalidBeacon, InvalidInput, parse_json
from . import EXIT_INVALID, EXIT_OK

#: the largest file ``verify`` reads (a list of 10,000 chained beacons is about 4 MB)
MAX_INPUT = 64 << 20


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="verify beacons (drand /public JSON) against a chain's info (drand /info JSON)",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--info", required=True, help="chain info JSON file (drand's /info, v1 or v2), or -")
    parser.add_argument("beacons", help="one beacon or a JSON list of beacons (drand's /public JSON), or -")
    parser.add_argument("--backend", choices=["py_ecc", "arkworks", "blst"],
                        help="crypto backend (default: the fastest installed)")  # fmt: skip
    parser.add_argument("--batch", action="store_true", help="batch-verify signatures (one pairing check)")
    parser.add_argument("--workers", type=int, help="processes for --batch (default: 2 on 2+ cores)")
    parser.add_argument("--quiet", action="store_true", help="print problems only, no summary")
    parser.set_defaults(func=run)


def _load(path: str, what: str) -> object:
    try:
        data = sys.stdin.buffer.read(MAX_INPUT + 1) if path == "-" else _read_capped(Path(path))
    except OSError as exc:
        raise InvalidInput(f"cannot read {what} {path}: {exc.strerror}") from None
    return parse_json(data, what=f"{what} {path}", max_bytes=MAX_INPUT)


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(MAX_INPUT + 1)


def run(args: argparse.Namespace) -> int:
    if args.backend:
        use_backend(args.backend)
    info_json = _load(args.info, "chain info")
    try:
        info = ChainInfo.from_json(info_json)
    except ChainMismatch as exc:
        print(f"chain info: {exc}")
        return EXIT_INVALID
    loaded = _load(args.beacons, "beacons")
    items = loaded if isinstance(loaded, list) else [loaded]
    beacons: list[Beacon] = []
    problems: list[str] = []
    for item in items:
        try:
            beacons.append(Beacon.from_json(item))
        except InvalidBeacon as exc:  # well-formed, but the stated randomness is wrong
            problems.append(str(exc))
    workers = args.workers if args.workers is not None else default_workers()
    problems += [str(p) for p in verify_chain(info, beacons, batch=args.batch, workers=max(1, workers))]
    for line in problems:
        print(line)
    if not args.quiet:
        verdict = "ok" if not problems else "INVALID"
        print(
            f"{verdict}: {len(items)} beacon(s) of chain {info.hash_hex[:8]}… ({info.scheme.id}), "
            f"{len(problems)} problem(s)"
        )
    return EXIT_INVALID if problems else EXIT_OK
