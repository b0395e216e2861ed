"""tlock end to end: lock data to a drand round, unlock it with that round's beacon.

Mirrors drand/tlock ``tlock.go`` / ``tlock_age.go`` and ``cmd/tle``: the data is age-encrypted
under a random file key; the file key is IBE-encrypted to the round (see :mod:`.ibe`) and stored in
a ``tlock <round> <chainhash>`` stanza (Go's ``Recipient.Wrap`` writes the same two arguments). To
decrypt, fetch the round's beacon, verify it, and use its signature as the IBE private key — Go's
[`TimeUnlock`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L174-L179)
also verifies the beacon before it decrypts anything; our :func:`decrypt` does the same.

**The ciphertext's chain hash.** Go's
[`Unwrap`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock_age.go#L105-L140)
compares the stanza's chain hash with the network it was given. If they differ and the ``Tlock``
was made by
[`New`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L49-L58)
(the default, and what ``tle`` uses), it prints a warning and
[`SwitchChainHash`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/networks/http/http.go#L139-L147)
moves to the chain the *ciphertext* names, on the same host (its info checked against that hash);
only after
[`Strict`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L60-L63)
does it skip the stanza and fail with ``ErrWrongChainhash``. tlock-js's
[`createTimelockDecrypter`](https://github.com/drand/tlock-js/blob/17d817ee259e79381111dd75009b0f022c39ace3/src/drand/timelock-decrypter.ts#L9-L33)
does not look at the hash at all. Ours: :func:`decrypt` is strict by default — a file locked to
another chain than the one you pinned is refused (``ChainMismatch``, naming both hashes) before
any beacon is fetched, and we never switch chains on the file's word: the decrypting side chooses
which chain it trusts. ``strict=False`` ignores the stanza's hash, as tlock-js does (the beacon is
still verified against the chain you gave).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..crypto import bls
from ..errors import (
    ChainMismatch,
    InvalidBeacon,
    InvalidCiphertext,
    InvalidInput,
    InvalidPoint,
    InvalidSignature,
    TimelockError,
    TooEarly,
)
from ..hexbytes import from_hex
from ..rng import Rng, random_bytes
from . import age, ibe

STANZA_TYPE = "tlock"

#: Returns the beacon of a round, or None if that round has not been produced yet.
BeaconGetter = Callable[[int], Beacon | None]


@dataclass(frozen=True)
class TimelockStanza:
    """The parsed ``tlock`` stanza: which round and which chain a ciphertext is locked to."""

    round: int
    chain_hash: bytes
    body: bytes


def encrypt(
    info: ChainInfo, round_number: int, plaintext: bytes, *, armor: bool = False, rng: Rng | None = None
) -> bytes:
    """Encrypt ``plaintext`` so that it opens only with the beacon of ``round_number`` on ``info``'s chain.

    Returns the binary age file, or its ASCII armor (as bytes) when ``armor`` is true.
    Chained schemes are refused: their future signatures cannot be predicted from the round alone.
    """
    if round_number < 1:
        raise TimelockError(f"round must be at least 1, got {round_number}")
    file_key = random_bytes(age.FILE_KEY_SIZE, rng)
    ciphertext = ibe.encrypt(info.scheme, info.public_key_point(), round_number, file_key, rng)
    stanza = age.Stanza(STANZA_TYPE, (str(round_number), info.hash_hex), ciphertext.to_bytes())
    data = age.encrypt_file([stanza], file_key, plaintext, rng)
    return age.armor(data).encode() if armor else data


def read_stanza(data: bytes | str) -> TimelockStanza:
    """The round and chain hash a tlock file is locked to (no beacon needed)."""
    parsed = _parse(data)
    return _tlock_stanza(parsed)


def decrypt(
    data: bytes | str,
    info: ChainInfo,
    get_beacon: BeaconGetter,
    *,
    strict: bool = True,
    now: float | None = None,
) -> bytes:
    """Decrypt a tlock file (binary or armored) with the beacon that ``get_beacon`` returns.

    * ``strict``: the stanza's chain hash must equal ``info``'s (Go's ``Strict()``; Go's default would
      switch to the stanza's chain instead, we never do); with ``strict=False`` it is ignored (as
      tlock-js does).
    * ``now``: when given, refuse before the round's time without fetching anything (tlock-js does this).
    * The beacon is verified against ``info`` before its signature is used as a decryption key.
    """
    parsed = _parse(data)
    stanza = _tlock_stanza(parsed)
    if strict and stanza.chain_hash != info.hash():
        raise ChainMismatch(
            f"ciphertext is locked to chain {stanza.chain_hash.hex()[:16]}…, not {info.hash_hex[:16]}…"
        )
    if now is not None and info.time_of_round(stanza.round) > now:
        raise TooEarly(
            f"round {stanza.round} is due at {info.time_of_round(stanza.round)}; too early to decrypt"
        )
    beacon = get_beacon(stanza.round)
    if beacon is None:
        raise TooEarly(f"the beacon of round {stanza.round} does not exist yet: too early to decrypt")
    if beacon.round != stanza.round:
        raise InvalidBeacon(f"asked for round {stanza.round}, got a beacon of round {beacon.round}")
    try:
        bls.verify_or_raise(info.scheme, info.public_key, beacon.message(info.scheme), beacon.signature)
        signature = info.scheme.sig_group.from_bytes(beacon.signature)
    except (InvalidSignature, InvalidPoint) as exc:
        raise InvalidBeacon(
            f"round {beacon.round}: beacon does not verify, refusing to use it ({exc})"
        ) from None
    file_key = ibe.decrypt(info.scheme, signature, ibe.Ciphertext.from_bytes(info.scheme, stanza.body))
    if len(file_key) != age.FILE_KEY_SIZE:
        raise InvalidCiphertext(f"decrypted file key has {len(file_key)} bytes, age uses 16")
    return parsed.open(file_key)


def _parse(data: bytes | str) -> age.ParsedFile:
    if isinstance(data, str):
        data = data.encode()
    if age.is_armored(data):
        data = age.dearmor(data)
    return age.parse_file(data)


def _tlock_stanza(parsed: age.ParsedFile) -> TimelockStanza:
    # Like Go's tlock: skip stanzas of other types, require exactly two arguments.
    for stanza in parsed.stanzas:
        if stanza.type != STANZA_TYPE:
            continue
        if len(stanza.args) != 2 or not (stanza.args[0].isascii() and stanza.args[0].isdigit()):
            raise InvalidCiphertext("tlock stanza must be '-> tlock <round> <chainhash>'")
        if len(stanza.args[0]) > 20 or int(stanza.args[0]) >= 2**64:
            raise InvalidCiphertext(f"tlock stanza: round {stanza.args[0][:24]}… is not a uint64")
        chain_hash = from_hex(stanza.args[1], what="tlock stanza chain hash", length=32)
        return TimelockStanza(int(stanza.args[0]), chain_hash, stanza.body)
    raise InvalidCiphertext("no tlock stanza in this age file (not a timelock ciphertext)")


# -- choosing the round ----------------------------------------------------------------------------
_DURATION = re.compile(r"([0-9]+)([smhdwMy])")  # ASCII digits, as tle's regexp


def parse_duration(text: str) -> dict[str, int]:
    """``"1d12h"`` → ``{"d": 1, "h": 12}``; units s m h d w M y, each at most once (like ``tle -D``)."""
    if not text or _DURATION.sub("", text):
        raise InvalidInput(f"invalid duration {text!r}: use numbers with units s m h d w M y, e.g. 1d12h")
    units: dict[str, int] = {}
    for amount, unit in _DURATION.findall(text):
        if unit in units:
            raise InvalidInput(f"invalid duration {text!r}: unit {unit!r} given twice")
        units[unit] = int(amount)
    return units


def _add_date(moment: datetime, years: int = 0, months: int = 0, days: int = 0) -> datetime:
    """Go's ``time.AddDate``: add to the calendar fields, then *normalise* like Go's ``time.Date``.

    A day past the month's end rolls over into the next month: January 31 + 1 month is "February
    31", which Go reads as March 3 (March 2 in a leap year) — not the last day of February.
    """
    month_index = moment.month - 1 + months
    year, month = moment.year + years + month_index // 12, month_index % 12 + 1
    first = moment.replace(year=year, month=month, day=1)
    return first + timedelta(days=moment.day - 1 + days)


def round_for_time(info: ChainInfo, unix_time: float) -> int:
    """The round that is current at ``unix_time``: it becomes decryptable at or before that time."""
    return max(1, info.round_at(unix_time))


def round_for_duration(info: ChainInfo, duration: str, now: float) -> int:
    """``tle -D``: the round current at ``now + duration``, the duration counted as ``tle`` counts it.

    tlock's
    [`parseDurationsAsSeconds`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/cmd/tle/commands/encrypt.go#L65-L102)
    turns each unit into a length of time *from the start* and adds the lengths up:
    [`durationFrom`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/cmd/tle/commands/encrypt.go#L104-L122)
    counts s, m, h as fixed lengths and d, w, M, y as ``start.AddDate(...) - start``, so ``1M`` from
    January 31 is 31 days (to "February 31", that is March 3), and ``1y1M`` from February 29 is the
    year's 366 days plus the month's 29, not 13 calendar months. We count the same (in UTC, where
    tle counts in the machine's time zone; they differ only across a daylight-saving change). Then
    [`Encrypt`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/cmd/tle/commands/encrypt.go#L44-L57)
    takes the round current at that moment (``RoundNumber``): its beacon is due at or *before* the
    moment, up to a period early.
    """
    units = parse_duration(duration)
    start = datetime.fromtimestamp(now, UTC)
    lengths = {
        "s": timedelta(seconds=units.get("s", 0)),
        "m": timedelta(minutes=units.get("m", 0)),
        "h": timedelta(hours=units.get("h", 0)),
        "d": _add_date(start, days=units.get("d", 0)) - start,
        "w": _add_date(start, days=7 * units.get("w", 0)) - start,
        "M": _add_date(start, months=units.get("M", 0)) - start,
        "y": _add_date(start, years=units.get("y", 0)) - start,
    }
    return round_for_time(info, (start + sum(lengths.values(), timedelta())).timestamp())
