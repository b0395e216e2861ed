"""``drand-edu sync``: check and repair a local chain store, or follow a chain, like ``drand sync``.

    drand-edu sync --url URL [--url URL] --chain-hash HASH --db node.db [--up-to N]
    drand-edu sync --follow --sync-nodes HOST:PORT,... --url URL --chain-hash HASH --db node.db [--up-to N]
    drand-edu sync --info info.json --db node.db                # no sync nodes: a dry run (check only)

[`syncCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L427-L433)
chooses between two things: without ``--follow`` it checks the local chain (every signature, every
link) and corrects the faulty beacons from the ``--sync-nodes``
([`checkCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L319-L425));
with ``--follow`` it follows the chain from those nodes, up to ``--up-to`` if given
([`followSync`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L435-L488)).
Ours does the same two things (:func:`check_and_repair` with :func:`~drand_edu.store.check.repair`,
and :func:`follow`), with one difference: drand's CLI asks the running daemon to do them on its
own database through the control port; ours works on a SQLite store file (``--db``, ours): a
follower's, or a stopped node's ``chain.db`` (``--folder`` and ``--id``). ``--follow
--sync-nodes host:port,...`` reads the nodes' ``SyncChain`` streams on their peer ports, as drand
does (:func:`follow_streams`); checking, repairing and following without peer addresses fetch from
public HTTP APIs (``--url``, ours, or ``http://`` entries of ``--sync-nodes``). Every beacon is
verified before it is written.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
from pathlib import Path

from ..chain.info import ChainInfo
from ..chain.verify import Problem
from ..client.client import Client
from ..client.source import ClientSource
from ..errors import ChainMismatch, InvalidInput, parse_json
from ..node.sync import BatchSync
from ..node.sync_http import follow_chain as stream_follow
from ..store.check import check_store, repair
from ..store.sqlite import SQLiteStore
from . import EXIT_INVALID, EXIT_OK
from .control import add_id_flag


def register(subparsers: argparse._SubParsersAction) -> None:
    sync = subparsers.add_parser("sync", help="check and repair a chain store, or --follow a chain")
    sync.add_argument("--sync-nodes", default="", help="HOST:PORT,... peers to follow (or http:// URLs)")
    sync.add_argument("--url", action="append", default=[], help="ours: a public API to fetch from (repeat)")
    sync.add_argument("--chain-hash", help="the chain to trust (hex), pinned")
    sync.add_argument("--info", help="ours: the chain's info JSON, instead of asking the sync nodes")
    where = sync.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="ours: the SQLite store to check, repair or fill")
    where.add_argument("--folder", help="a stopped node's folder: its chain.db for --id")
    sync.add_argument("--up-to", type=int, default=0, help="stop at this round (default: the latest)")
    sync.add_argument("--follow", action="store_true",
                      help="follow the chain (to --up-to, or until Ctrl-C) instead of checking")  # fmt: skip
    add_id_flag(sync)
    sync.set_defaults(func=run)


def _nodes(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """(peer addresses ``host:port``, public API URLs): drand's sync nodes are peer addresses."""
    named = [n.strip() for n in args.sync_nodes.split(",") if n.strip()]
    return [n for n in named if "://" not in n], [n for n in named if "://" in n] + list(args.url)


def _db(args: argparse.Namespace) -> Path:
    if args.db is not None:
        return Path(args.db)
    if (Path(args.folder) / "control.port").exists():
        raise InvalidInput(f"a node runs from {args.folder}: stop it first (it owns its chain.db)")
    return Path(args.folder) / "multibeacon" / (args.beacon_id or "default") / "chain.db"


def run(args: argparse.Namespace) -> int:
    peers, urls = _nodes(args)
    db = _db(args)
    client = Client(urls, chain_hash=args.chain_hash) if urls else None
    if args.info:
        try:
            text = Path(args.info).read_bytes()
            info = ChainInfo.from_json(parse_json(text, what=f"chain info {args.info}"))
        except OSError as exc:
            raise InvalidInput(f"cannot read chain info {args.info}: {exc.strerror}") from None
    elif client is not None:
        info = client.info()
    else:
        raise InvalidInput("sync needs the chain info: --url (a public API) or --info FILE")
    if args.chain_hash and info.hash_hex != args.chain_hash.lower():
        raise ChainMismatch(f"the chain info has hash {info.hash_hex}, not the pinned {args.chain_hash}")
    if args.follow and client is None and not peers:
        raise InvalidInput("--follow needs --sync-nodes (or --url) to follow")
    if peers and not args.follow:
        raise InvalidInput("checking and repairing fetch from public APIs: give them as --url")
    if not args.follow and args.info and not db.exists():
        raise InvalidInput(f"no store at {db}")
    with SQLiteStore(db, genesis_seed=info.genesis_seed, chained=info.scheme.chained) as store:
        if args.follow and peers:
            return follow_streams(info, store, peers, args.up_to)
        if args.follow:
            return follow(info, store, client, args.up_to)
        return check_and_repair(info, store, client, args.up_to)


def _negative_rounds(store: SQLiteStore) -> list[Problem]:
    """Rows with a negative round: the store's cursor starts at round 0 and never shows them."""
    with contextlib.closing(sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)) as connection:
        rows = connection.execute("SELECT round FROM beacons WHERE round < 0 ORDER BY round").fetchall()
    return [Problem(number, "round", f"round {number} is negative") for (number,) in rows]


def check_and_repair(info: ChainInfo, store: SQLiteStore, client: Client | None, up_to: int) -> int:
    """drand's ``sync`` without ``--follow``: check every beacon; fetch the faulty and missing ones."""
    problems = _negative_rounds(store) + check_store(info, store)
    for problem in problems:
        print(f"{problem.kind}: {problem}")
    print(f"checked {len(store)} beacons up to round {store.last_round()}: {len(problems)} faulty")
    if client is None:  # a dry run
        return EXIT_INVALID if problems else EXIT_OK
    if problems:
        written = repair(info, store, ClientSource(client))
        print(f"repaired {written} rounds from the sync nodes, each verified")
    target = up_to or client.latest().round
    report = BatchSync(info, store, [ClientSource(client)], chunk=100).sync(target)
    for problem in report.rejected:
        print("rejected:", problem)
    print(f"synced to round {store.last_round()} ({report.stored} new, all verified)")
    healthy = report.ok and not check_store(info, store)
    return EXIT_OK if healthy else EXIT_INVALID


def follow(info: ChainInfo, store: SQLiteStore, client: Client, up_to: int) -> int:
    """drand's ``sync --follow``: catch up, then store each new round as it comes (until ``up_to``)."""
    manager = BatchSync(info, store, [ClientSource(client)], chunk=100)
    latest = client.latest().round
    report = manager.sync(min(latest, up_to) if up_to else latest)
    print(f"synced to round {store.last_round()} ({report.stored} new, all verified)")
    while report.ok and (not up_to or store.last_round() < up_to):
        beacon = next(client.watch(count=1))
        report = manager.sync(min(beacon.round, up_to) if up_to else beacon.round)
        print(f"followed round {store.last_round()}", flush=True)
    for problem in report.rejected:
        print("rejected:", problem)
    return EXIT_OK if report.ok else EXIT_INVALID


def follow_streams(info: ChainInfo, store: SQLiteStore, peers: list[str], up_to: int) -> int:
    """drand's ``sync --follow --sync-nodes``: the peers' ``SyncChain`` streams, one peer at a time in
    shuffled order (:func:`~drand_edu.node.sync_http.follow_chain`), until ``up_to``."""
    show = lambda beacon: print(f"followed round {beacon.round}", flush=True)  # noqa: E731
    last = stream_follow(info, store, peers, up_to=up_to, on_beacon=show)
    print(f"synced to round {last}")
    return EXIT_OK if not up_to or last >= up_to else EXIT_INVALID
