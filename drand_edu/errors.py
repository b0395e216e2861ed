"""One exception hierarchy for the whole library.

Callers catch these, never a third-party ``ValueError`` or ``AssertionError``: every place where
bytes from the outside world enter ``drand_edu`` translates failures into one of the types below.
"""

from __future__ import annotations

import json
import re


class DrandEduError(Exception):
    """Root of every error raised on purpose by drand_edu."""


class InvalidInput(DrandEduError, ValueError):
    """Input that cannot be used at all: malformed hex, wrong length, missing JSON field."""


class InvalidPoint(InvalidInput):
    """Bytes that are not a valid compressed curve point (bad flags, off the curve, not in the subgroup)."""


class InvalidSignature(DrandEduError):
    """A BLS signature that does not verify under the given key and message."""


class InvalidBeacon(DrandEduError):
    """A beacon that fails verification: bad signature, wrong randomness, broken chain link."""


class InvalidShare(DrandEduError):
    """A secret or public share that is inconsistent with its commitments, or unusable."""


class NotEnoughShares(InvalidShare):
    """Fewer valid shares (or partial signatures) than the threshold."""


class DKGError(DrandEduError):
    """A distributed key generation that cannot finish (too many faults, illegal transition...)."""


class ChainMismatch(DrandEduError):
    """Chain info whose stated hash differs from the recomputed one, or data from another chain."""


class UnknownScheme(InvalidInput):
    """A scheme id drand_edu does not know."""


class BackendUnavailable(DrandEduError):
    """The requested crypto backend is not installed."""


class TimelockError(DrandEduError):
    """A timelock (tlock) ciphertext that cannot be decrypted, or a request that cannot be encrypted."""


class TooEarly(TimelockError):
    """The round a ciphertext is locked to has not been reached yet: its beacon does not exist."""


class InvalidCiphertext(TimelockError, InvalidInput):
    """A malformed or tampered tlock / age file (bad header, MAC, stanza, payload, truncation)."""


class ClientError(DrandEduError):
    """A client that could not get a usable answer from any endpoint (network, HTTP, or verification)."""


class StoreError(DrandEduError):
    """A beacon store that cannot do what was asked (conflicting beacon, unreadable file, closed store)."""


class BeaconNotFound(StoreError, LookupError):
    """The store has no beacon for the requested round."""


class CorruptStore(StoreError):
    """A stored beacon fails verification or the stored chain has a gap or a broken link."""


class InputTooLarge(InvalidInput):
    """Input over one of the library's bounds: body size, JSON nesting, integer digits, stanza count."""


#: the bounds every decoder of outside bytes applies before parsing
MAX_JSON_BYTES = 4 << 20
MAX_JSON_DEPTH = 32
MAX_INT_DIGITS = 40  # a uint64 round has at most 20 digits; 2^128 has 39


def parse_json(data: bytes | str, *, what: str = "JSON", max_bytes: int = MAX_JSON_BYTES) -> object:
    """``json.loads`` for bytes from the outside world: only :class:`InvalidInput` comes out.

    Bounded first, then parsed: at most ``max_bytes``, nesting at most :data:`MAX_JSON_DEPTH` deep,
    integers of at most :data:`MAX_INT_DIGITS` digits. The depth check matters: importing py_ecc raises
    Python's recursion limit to 100,000, so a 200 KB ``[[[[...`` would overflow the C stack of the
    parsing thread (a segfault: the process dies) before ``RecursionError`` could be raised.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidInput(f"{what}: expected bytes, got {type(data).__name__}")
    if len(data) > max_bytes:
        raise InputTooLarge(f"{what}: {len(data)} bytes, more than the {max_bytes} accepted")
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{what}: not UTF-8 (byte {error.start})") from None
    if _json_depth(text) > MAX_JSON_DEPTH:
        raise InputTooLarge(f"{what}: nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except InvalidInput:
        raise
    except (ValueError, RecursionError) as error:
        raise InvalidInput(f"{what}: not valid JSON ({str(error)[:80]})") from None


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def _json_depth(text: str) -> int:
    """The deepest bracket nesting of ``text`` outside its strings (an upper bound for invalid JSON)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise InputTooLarge(f"an integer of {len(text)} digits (at most {MAX_INT_DIGITS} accepted)")
    return int(text)


def _no_constant(name: str) -> float:
    raise InvalidInput(f"{name} is not JSON")
