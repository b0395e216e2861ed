"""Exercise checkers for notebook 03 (cryptographic primitives).

They test the learner's function on fresh random keys and messages against the library, so passing
means "behaves like BLS", not "matches a stored answer".
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from ..crypto import G1, bls, scheme_by_id
from ..crypto.constants import FIELD_MODULUS
from ..errors import InvalidPoint
from .common import is_stub, report, safely

__all__ = ["check_bls_verify", "check_not_in_subgroup", "check_unchained_digest"]


def check_unchained_digest(my_digest: Callable[[int], bytes] | None) -> bool:
    """``my_digest(round)``: the 32-byte message an unchained drand chain signs for ``round``."""
    if is_stub(my_digest):
        return report(False, "define my_digest(round_number) first")

    def check() -> bool:
        scheme = scheme_by_id("bls-unchained-g1-rfc9380")
        for round_number in (1, 255, 256, 2**32 + 1, secrets.randbelow(2**40)):
            got = my_digest(round_number)
            if got != scheme.digest(round_number):
                return report(
                    False,
                    f"wrong digest for round {round_number}: it is sha256 of the round as 8 bytes, "
                    "big-endian (round.to_bytes(8, 'big')); return .digest() bytes, not hex",
                )
        return report(True, praise="that is exactly the message quicknet signs")

    return safely(check, "my_digest failed")


def check_bls_verify(my_verify: Callable[..., bool] | None) -> bool:
    """``my_verify(scheme, public_key, message, signature)``: True exactly for valid BLS signatures."""
    if is_stub(my_verify):
        return report(False, "define my_verify(scheme, public_key, message, signature) first")

    def check() -> bool:
        for scheme_id in ("pedersen-bls-chained", "bls-unchained-g1-rfc9380"):
            scheme = scheme_by_id(scheme_id)
            keys, other = bls.keygen(scheme), bls.keygen(scheme)
            message = secrets.token_bytes(32)
            signature = scheme.sig_group.from_bytes(bls.sign(scheme, keys.secret, message))
            cases = [
                ("a valid signature", keys.public, message, signature, True),
                (
                    "a signature of another message",
                    keys.public,
                    hashlib.sha256(message).digest(),
                    signature,
                    False,
                ),
                ("a signature checked with another key", other.public, message, signature, False),
                ("the signature doubled", keys.public, message, signature + signature, False),
            ]
            for what, public, msg, sig, expected in cases:
                if bool(my_verify(scheme, public, msg, sig)) != expected:
                    return report(
                        False,
                        f"on {scheme_id} ({scheme.key_group.name} keys), {what} got {not expected}. "
                        "Check e(pk, H(m)) · e(-g, σ) = 1 with pairing_check, H = the scheme's hash to curve",
                    )
        return report(True, praise="two pairings, one equation: that is all of BLS verification")

    return safely(check, "my_verify failed")


def check_not_in_subgroup(encoded: bytes | None) -> bool:
    """``encoded``: 48 bytes of a point that IS on the curve y² = x³ + 4 but NOT in the group G1."""
    if is_stub(encoded):
        return report(False, "set encoded = 48 bytes (x with the compression flag 0x80 in the first byte)")

    def check() -> bool:
        data = bytes(encoded)
        if len(data) != 48 or not data[0] & 0x80 or data[0] & 0x40:
            return report(False, "a compressed G1 point is 48 bytes with the top bit (0x80) set, 0x40 clear")
        x = int.from_bytes(bytes([data[0] & 0x1F]) + data[1:], "big")
        rhs = (x**3 + 4) % FIELD_MODULUS
        if x >= FIELD_MODULUS or pow(rhs, (FIELD_MODULUS - 1) // 2, FIELD_MODULUS) != 1:
            return report(False, "that x is not on the curve at all: x³ + 4 must be a square mod p")
        try:
            G1.from_bytes(data)
        except InvalidPoint as exc:
            if "subgroup" in str(exc):
                return report(True, praise="on the curve, outside G1 — and refused, as drand refuses it")
            return report(False, f"rejected for another reason: {exc}")
        return report(False, "that point is in G1 (it decoded fine): try another x")

    return safely(check, "checking your bytes failed")
