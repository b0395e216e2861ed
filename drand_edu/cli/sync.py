"""``drand-edu sync``: check and correct a local chain store, or follow a chain, like ``drand sync``.

    drand-edu sync --url URL [--url URL] --chain-hash HASH --db node.db --up-to N
    drand-edu sync --follow --sync-nodes HOST:PORT,... --chain-hash HASH --db node.db [--up-to N]
    drand-edu sync --follow --url URL --chain-hash HASH --db node.db [--up-to N]
    drand-edu sync --info info.json --db node.db --up-to N      # no sync nodes: a dry run (check only)
    drand-edu sync --folder node0 --sync-nodes OWN:PORT --up-to N --info info.json   # own address: dry run

[`syncCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L427-L433)
chooses between two things. Without ``--follow`` it runs
[`checkCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L319-L425),
which needs ``--up-to`` (drand's control client refuses ``upTo == 0``): the daemon's
[`StartCheckChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L398-L490)
checks rounds ``1..min(up-to, last stored)`` by their signature only (``CheckPastBeacons``; no link
between rows is compared, a missing round is faulty), then re-fetches each faulty round alone from the
``--sync-nodes`` (``CorrectPastBeacons``). Asked to sync from its own address alone, it only checks (a
dry run). It never adds a round above the last stored one: filling a store is ``--follow``'s job. With
``--follow`` it follows the chain from those nodes, up to ``--up-to`` if given
([`followSync`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L435-L488)).
Ours does the same two things (:func:`check_and_repair` with
:func:`~drand_edu.store.check.check_past_beacons` and :func:`~drand_edu.store.check.correct_past_beacons`,
and :func:`follow`), with one difference: drand's CLI asks the running daemon to do them on its
own database through the control port; ours works on a SQLite store file (``--db``, ours): a
follower's, or a stopped node's ``chain.db`` (``--folder`` and ``--id``, whose key file gives the
node's own address). No sync node at all is also a dry run here. ``--follow
--sync-nodes host:port,...`` reads the nodes' ``SyncChain`` streams on their peer ports, as drand
does (:func:`follow_streams`), and, like drand's
[`StartFollowChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L263-L322),
asks those nodes for the chain info when none is given (``chainInfoFromPeers``,
:func:`~drand_edu.node.sync_http.chain_info_from_peers`) and then needs ``--chain-hash`` to check it:
drand's control client refuses to follow without one. Checking, correcting and following without peer
addresses fetch from public HTTP APIs (``--url``, ours, or ``http://`` entries of ``--sync-nodes``).
Every beacon is verified before it is written.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import sys
from pathlib import Path

from ..chain.info import ChainInfo
from ..chain.verify import Problem
from ..client.client import Client
from ..client.http_get import http_get
from ..client.source import ClientSource
from ..errors import ChainMismatch, InvalidInput, parse_json
from ..node.key_store import FileStore
from ..node.sync import BatchSync
from ..node.sync_http import chain_info_from_peers
from ..node.sync_http import follow_chain as stream_follow
from ..store.check import check_past_beacons, correct_past_beacons
from ..store.sqlite import SQLiteStore
from . import EXIT_INVALID, EXIT_OK
from .control import add_id_flag, clear_stale_runtime_files


def register(subparsers: argparse._SubParsersAction) -> None:
    sync = subparsers.add_parser("sync", help="check and repair a chain store, or --follow a chain")
    sync.add_argument("--sync-nodes", default="", help="HOST:PORT,... peers to follow (or http:// URLs)")
    sync.add_argument("--url", action="append", default=[], help="ours: a public API to fetch from (repeat)")
    sync.add_argument("--chain-hash", help="the chain to trust (hex), pinned")
    sync.add_argument("--info", help="ours: the chain's info JSON, instead of asking the sync nodes")
    where = sync.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="ours: the SQLite store to check, repair or fill")
    where.add_argument("--folder", help="a stopped node's folder: its chain.db for --id")
    sync.add_argument("--up-to", type=int, default=0,
                      help="check rounds 1..N (required without --follow); with --follow, stop at N "
                      "(default: follow until Ctrl-C)")  # fmt: skip
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
    folder = Path(args.folder)
    # a control.port whose node is gone (kill -9) is stale: clear it rather than refuse (issue 23)
    if (folder / "control.port").exists() and not clear_stale_runtime_files(folder):
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
    elif args.follow and peers:
        # drand's StartFollowChain: the chain info comes from the sync nodes, checked against the hash
        if not args.chain_hash:
            raise InvalidInput("sync --follow takes the chain info from the sync nodes: give --chain-hash "
                               "to check it (or --info FILE)")  # fmt: skip
        beacon_id = args.beacon_id or "default"
        info = chain_info_from_peers(peers, args.chain_hash, beacon_id, fetch=deadline_fetch)
    else:
        raise InvalidInput("sync needs the chain info: --url (a public API) or --info FILE")
    if args.chain_hash and info.hash_hex != args.chain_hash.lower():
        raise ChainMismatch(f"the chain info has hash {info.hash_hex}, not the pinned {args.chain_hash}")
    if args.follow and client is None and not peers:
        raise InvalidInput("--follow needs --sync-nodes (or --url) to follow")
    dry_run = False
    if not args.follow:
        if args.up_to < 1:  # drand's control client: "upTo must be greater than 0"
            raise InvalidInput("sync without --follow checks rounds 1..N: give --up-to N (N > 0)")
        if peers:
            # drand's StartCheckChain skips its own address, and its own address alone is a dry run
            own = FileStore.load(args.folder, args.beacon_id or "default").address if args.folder else ""
            dry_run = peers == [own]
            peers = [p for p in peers if p != own]
        if peers:
            raise InvalidInput("checking and correcting fetch from public APIs: give them as --url")
        if not db.exists():
            raise InvalidInput(f"no store at {db}")
    with SQLiteStore(db, genesis_seed=info.genesis_seed, chained=info.scheme.chained) as store:
        if args.follow and peers:
            return follow_streams(info, store, peers, args.up_to)
        if args.follow:
            return follow(info, store, client, args.up_to)
        return check_and_repair(info, store, None if dry_run else client, args.up_to)


def _negative_rounds(store: SQLiteStore) -> list[Problem]:
    """Rows with a negative round: the store's cursor starts at round 0 and never shows them."""
    with contextlib.closing(sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)) as connection:
        rows = connection.execute("SELECT round FROM beacons WHERE round < 0 ORDER BY round").fetchall()
    return [Problem(number, "round", f"round {number} is negative") for (number,) in rows]


def check_and_repair(info: ChainInfo, store: SQLiteStore, client: Client | None, up_to: int) -> int:
    """drand's ``sync`` without ``--follow``: check rounds ``1..min(up_to, last)`` by their signature and
    correct the faulty ones from ``client`` (None: a dry run). Nothing is ever appended."""
    last = store.last_round()
    if store.last() is None:  # drand: "unable to fetch and check last beacon in store"
        raise InvalidInput("the store holds no beacon to check (fill it with sync --follow)")
    negative = _negative_rounds(store)
    for problem in negative:
        print(f"{problem.kind}: {problem}")
    faulty = check_past_beacons(info, store, up_to)
    for round_number, reason in faulty.items():
        print(f"faulty round {round_number}: {reason}")
    checked = min(up_to, last)
    if last < up_to:
        print(f"no beacon stored above round {last}: checking only up to it")
    print(f"checked rounds 1 to {checked} (signatures only): {len(faulty)} faulty")
    if client is None or not faulty:  # a dry run, or nothing to correct
        if client is None and faulty:
            print("dry run: nothing corrected")
        return EXIT_INVALID if faulty or negative else EXIT_OK
    written = correct_past_beacons(info, store, faulty, ClientSource(client))
    print(f"corrected {written} faulty rounds from the sync nodes, each verified (run again to confirm)")
    return EXIT_INVALID if negative else EXIT_OK


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


def deadline_fetch(url: str, timeout: float, max_body: int) -> tuple[int, bytes]:
    """One ``/sync`` request with one deadline for all of it: a peer that drips its answer is cut off
    and dropped for the next, like one that sends garbage (:func:`~drand_edu.client.http_get.http_get`)."""
    answer = http_get(url, timeout=timeout, max_body=max_body)
    return answer.status, answer.body


def follow_streams(info: ChainInfo, store: SQLiteStore, peers: list[str], up_to: int) -> int:
    """drand's ``sync --follow --sync-nodes``: the peers' ``SyncChain`` streams, one peer at a time in
    shuffled order (:func:`~drand_edu.node.sync_http.follow_chain`), until ``up_to`` (0: for ever).

    When every peer was tried and dropped, ours says so and exits 1. drand's
    [`StartFollowChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L263-L395)
    means to try again a period later, but its ``errChan`` is never made (a nil channel): the failed
    ``Sync``'s send blocks for good and the ``case <-errChan`` never fires, so it waits for Ctrl-C (or
    the target) without asking again (listed in ``tests/data/differences.toml``).
    """
    show = lambda beacon: print(f"followed round {beacon.round}", flush=True)  # noqa: E731
    last = stream_follow(info, store, peers, up_to=up_to, on_beacon=show, fetch=deadline_fetch)
    print(f"synced to round {last}")
    if not up_to or last < up_to:  # every peer was tried and dropped (silent, hostile, or behind)
        why = (f"no sync node gave the rounds up to {up_to}: each was tried and dropped" if up_to
               else "every sync node was tried and dropped: nothing more to follow")  # fmt: skip
        print(f"drand-edu sync: {why}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK
