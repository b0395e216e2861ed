"""``drand-edu util``: operator utilities, like drand's ``drand util`` (``internal/drand-cli``).

    drand-edu util list-schemes
    drand-edu util check --info info.json --db node/chain.db [--trimmed]

``check`` reads every beacon of a SQLite store and verifies it (gaps, signatures, chained links), one
line per problem; exit 0 when the store is sound, 1 when it is not.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
from pathlib import Path

from ..chain.info import ChainInfo
from ..chain.verify import Problem
from ..crypto.schemes import SCHEMES
from ..errors import InvalidInput, parse_json
from ..store.check import check_store
from ..store.sqlite import SQLiteStore
from . import EXIT_INVALID, EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("util", help="operator utilities: list-schemes, check a store")
    commands = parser.add_subparsers(dest="util_command", metavar="UTIL", required=True)
    schemes = commands.add_parser("list-schemes", help="the signature schemes drand supports")
    schemes.set_defaults(func=list_schemes)
    check = commands.add_parser("check", help="verify every beacon of a SQLite chain store")
    check.add_argument("--info", required=True, help="the chain's info JSON (drand's /info)")
    check.add_argument("--db", required=True, help="the SQLite store file")
    check.add_argument("--trimmed", action="store_true", help="a trimmed store (no previous signatures)")
    check.set_defaults(func=check_db)


def list_schemes(args: argparse.Namespace) -> int:
    for scheme in SCHEMES.values():
        kind = "chained" if scheme.chained else "unchained"
        groups = f"keys on {scheme.key_group.label}, signatures on {scheme.sig_group.label}"
        print(f"{scheme.id:26} {groups}, {kind}")
    return EXIT_OK


def _negative_rounds(db: str) -> list[Problem]:
    """Rows with a negative round: the store's cursor starts at round 0 and never shows them."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        rows = connection.execute("SELECT round FROM beacons WHERE round < 0 ORDER BY round").fetchall()
    return [Problem(number, "round", f"round {number} is negative") for (number,) in rows]


def check_db(args: argparse.Namespace) -> int:
    try:
        info = ChainInfo.from_json(parse_json(Path(args.info).read_bytes(), what=f"chain info {args.info}"))
    except OSError as exc:
        raise InvalidInput(f"cannot read chain info {args.info}: {exc.strerror}") from None
    if not Path(args.db).exists():
        raise InvalidInput(f"no store at {args.db}")
    seed = info.genesis_seed if info.scheme.chained else None
    with SQLiteStore(args.db, trimmed=True if args.trimmed else None, genesis_seed=seed) as store:
        problems = _negative_rounds(args.db) + check_store(info, store)
        for problem in problems:
            print(f"{problem.kind}: {problem}")
        verdict = "ok" if not problems else "CORRUPT"
        print(f"{verdict}: {len(store)} beacons up to round {store.last_round()}, {len(problems)} problem(s)")
    return EXIT_INVALID if problems else EXIT_OK
