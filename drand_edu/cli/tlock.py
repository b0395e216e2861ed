"""``drand-edu tlock encrypt|decrypt``: timelock files from the command line, like drand's ``tle``.

    drand-edu tlock encrypt --url http://127.0.0.1:8080 --chain-hash H --duration 30s --armor \
        < msg.txt > msg.age
    drand-edu tlock decrypt --url http://127.0.0.1:8080 --chain-hash H < msg.age

Offline, with files instead of a URL: ``--chain-info info.json`` (drand's /info JSON) and, to decrypt,
``--beacons beacons.json`` (one beacon or a list, drand's /public JSON).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..client import Client, NotFound
from ..errors import InvalidCiphertext, InvalidInput, TimelockError, TooEarly, parse_json
from ..tlock import decrypt, encrypt, round_for_duration
from ..tlock.timelock import parse_duration, read_stanza
from . import EXIT_INVALID, EXIT_OK


class TamperedCiphertext(TimelockError):
    """A file that parses as a tlock ciphertext (age header, tlock stanza) but does not decrypt with
    its round's beacon: its MAC or payload fails authentication. Read and found invalid: exit 1, where
    a file that is not a tlock ciphertext at all is unusable (exit 2)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tlock", help="timelock encryption: encrypt to a future round, decrypt after it"
    )
    actions = parser.add_subparsers(dest="tlock_action", metavar="ACTION", required=True)

    enc = actions.add_parser("encrypt", help="encrypt stdin or a file to a future round")
    _chain_flags(enc)
    when = enc.add_mutually_exclusive_group(required=True)
    when.add_argument("-r", "--round", type=int, help="the round whose beacon will unlock the file")
    when.add_argument("-D", "--duration", help="how long from now, e.g. 30s, 5m, 1d12h (units s m h d w M y)")
    enc.add_argument("-a", "--armor", action="store_true", help="write ASCII armor instead of binary")
    enc.add_argument("-f", "--force", action="store_true", help="allow a round that is already in the past")
    enc.add_argument("input", nargs="?", default="-", help="file to encrypt (default: stdin)")
    enc.add_argument("-o", "--output", default="-", help="where to write (default: stdout)")
    enc.set_defaults(func=run_encrypt)

    dec = actions.add_parser("decrypt", help="decrypt a tlock file once its round's beacon exists")
    _chain_flags(dec)
    dec.add_argument("--beacons", help="offline: a JSON file with the needed beacon (one or a list)")
    dec.add_argument("input", nargs="?", default="-", help="file to decrypt (default: stdin)")
    dec.add_argument("-o", "--output", default="-", help="where to write (default: stdout)")
    dec.set_defaults(func=run_decrypt)


def _chain_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-u", "--url", action="append", help="drand HTTP endpoint (repeat for failover)")
    parser.add_argument("-c", "--chain-hash", help="the chain to trust (hex); required with --url")
    parser.add_argument("--chain-info", help="offline: drand's /info JSON of the chain")


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None


def _write(path: str, data: bytes) -> None:
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        Path(path).write_bytes(data)


def _load_json(path: str) -> object:
    return parse_json(_read(path), what=path, max_bytes=64 << 20)


def _chain(args: argparse.Namespace) -> tuple[ChainInfo, Client | None]:
    if args.chain_info:
        return ChainInfo.from_json(_load_json(args.chain_info)), None
    if not args.url:
        raise InvalidInput("say which chain: --url URL --chain-hash HASH, or --chain-info FILE")
    if not args.chain_hash:
        raise InvalidInput("--chain-hash is required with --url (pin the chain you trust)")
    client = Client(args.url, chain_hash=args.chain_hash)
    return client.info(), client


#: tlock's rounds are uint64 (``tle -r`` is a ``flag.Uint64Var``; the stanza's round is one too)
MAX_ROUND = 2**64 - 1


def _round_for_duration(info: ChainInfo, duration: str, now: float) -> int:
    """``-D``: the round current ``duration`` from now, refused as drand's ``tle`` refuses it.

    [`Encrypt`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/cmd/tle/commands/encrypt.go#L22-L61)
    in tlock's ``cmd/tle`` refuses a duration whose decryption time is not after the start
    (``ErrInvalidDurationValue``: zero, or so large that Go's ``time.Duration`` overflows). Ours
    refuses ``0s`` the same way, and a duration past the calendar's end (year 9999) with one line.
    """
    units = parse_duration(duration)  # malformed: InvalidInput, one line already
    if not any(units.values()):
        raise InvalidInput(
            f"duration {duration} is not in the future: the round would already be out, anyone could "
            "decrypt it (drand's tle refuses durations <= 0 too)"
        )
    try:
        return round_for_duration(info, duration, now)
    except (OverflowError, ValueError):
        raise InvalidInput(f"duration {duration[:40]} is too long: it ends after the year 9999") from None


def run_encrypt(args: argparse.Namespace) -> int:
    """Encrypt to ``--round`` or to the round current ``-D`` from now.

    ``-r`` refuses a round whose beacon is already out — the current round too, where tle's
    [`Encrypt`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/cmd/tle/commands/encrypt.go#L36-L42)
    refuses only rounds *below* the current one — unless ``--force``. ``-D`` encrypts like tle, with a
    warning when the round is already out (a duration shorter than the time to the next round).
    """
    info, _ = _chain(args)
    now = time.time()
    if args.round is not None and not 1 <= args.round <= MAX_ROUND:
        raise InvalidInput(f"round {args.round} is not a tlock round: rounds are 1 to 2^64 - 1")
    round_number = args.round if args.round is not None else _round_for_duration(info, args.duration, now)
    if round_number > MAX_ROUND:
        raise InvalidInput(f"duration {args.duration} is too long: round {round_number} is past 2^64 - 1")
    if info.time_of_round(round_number) <= now:
        if args.round is not None and not args.force:
            # drand's tle refuses only rounds below the current one; the current one is out too
            when = "the current round" if round_number == info.round_at(now) else "in the past"
            raise InvalidInput(
                f"round {round_number} is {when}: its beacon is out, anyone can decrypt it "
                "(use --force to insist)"
            )
        if args.round is None:  # a duration shorter than the time to the next round: say so
            print(f"warning: round {round_number} is already out: anyone can decrypt this now",
                  file=sys.stderr)  # fmt: skip
    _write(args.output, encrypt(info, round_number, _read(args.input), armor=args.armor))
    print(
        f"locked to round {round_number} (due at unix time {info.time_of_round(round_number)})",
        file=sys.stderr,
    )
    return EXIT_OK


def _parses(data: bytes) -> bool:
    """Whether ``data`` is a well-formed tlock ciphertext (an age header with a tlock stanza)."""
    try:
        read_stanza(data)
    except InvalidCiphertext:
        return False
    return True


def run_decrypt(args: argparse.Namespace) -> int:
    info, client = _chain(args)
    data = _read(args.input)
    if args.beacons:
        loaded = _load_json(args.beacons)
        beacons = {
            b.round: b for b in map(Beacon.from_json, loaded if isinstance(loaded, list) else [loaded])
        }
        get_beacon = beacons.get
    elif client is not None:

        def get_beacon(round_number: int) -> Beacon | None:
            try:
                return client.get(round_number)
            except NotFound:
                return None
    else:
        raise InvalidInput("to decrypt offline give --beacons FILE, or use --url to fetch the beacon")
    try:
        plaintext = decrypt(data, info, get_beacon, now=time.time() if client else None)
    except TooEarly as exc:
        print(f"drand-edu tlock decrypt: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except InvalidCiphertext as exc:
        if _parses(data):  # well formed, but it does not authenticate: tampered (or damaged)
            raise TamperedCiphertext(str(exc)) from None
        raise
    _write(args.output, plaintext)
    return EXIT_OK
