"""Exercise checkers for notebook 02 (what a drand beacon is)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from ..crypto import bls, scheme_by_id
from ..crypto.constants import CURVE_ORDER
from ..threshold.poly import PriPoly, lagrange_coefficients
from .common import is_stub, report, safely

__all__ = ["check_chained_message", "check_lagrange_at_zero", "check_randomness", "check_recover_signature"]


def check_chained_message(my_message: Callable[[bytes, int], bytes] | None) -> bool:
    """``my_message(previous_signature, round)``: the 32 bytes a chained (mainnet) beacon signs."""
    if is_stub(my_message):
        return report(False, "define my_message(previous_signature, round_number) first")

    def check() -> bool:
        scheme = scheme_by_id("pedersen-bls-chained")
        for round_number in (1, 300, 2**33 + 7, 1 + secrets.randbelow(10**9)):
            previous = secrets.token_bytes(96)
            if my_message(previous, round_number) != scheme.digest(round_number, previous):
                return report(
                    False,
                    "not the chained message: sha256(previous_signature ‖ round as 8 bytes big-endian), "
                    "in that order, as raw bytes",
                )
        return report(True, praise="each beacon commits to the one before it")

    return safely(check, "my_message failed")


def check_randomness(my_randomness: Callable[[bytes], bytes] | None) -> bool:
    """``my_randomness(signature)``: a beacon's randomness from its signature bytes."""
    if is_stub(my_randomness):
        return report(False, "define my_randomness(signature) first")

    def check() -> bool:
        for size in (48, 96):
            signature = secrets.token_bytes(size)
            if my_randomness(signature) != hashlib.sha256(signature).digest():
                return report(
                    False, "drand's randomness is the SHA-256 of the signature bytes (32 raw bytes)"
                )
        return report(True, praise="so the randomness is as unpredictable as the signature")

    return safely(check, "my_randomness failed")


def check_lagrange_at_zero(my_lagrange: Callable[[list[int], int], list[int]] | None) -> bool:
    """``my_lagrange(xs, modulus)``: the weights λ_j with f(0) = Σ λ_j·f(x_j), mod ``modulus``."""
    if is_stub(my_lagrange):
        return report(False, "define my_lagrange(xs, modulus) first")

    def check() -> bool:
        # even and odd counts (a sign error only shows with an even number of points), one point,
        # x = 1 and neighbours, unsorted x, a small prime and the curve order
        cases = [(97, [1, 2]), (97, [3]), (101, [5, 1, 4, 2]), (CURVE_ORDER, [1, 2, 3])]
        for modulus, count in ((97, 3), (CURVE_ORDER, 4), (CURVE_ORDER, 6), (7919, 7)):
            cases.append((modulus, secrets.SystemRandom().sample(range(1, min(modulus, 1000)), count)))
        for modulus, xs in cases:
            got = [int(v) % modulus for v in my_lagrange(list(xs), modulus)]
            want = lagrange_coefficients(xs, modulus)
            if len(got) != len(xs):
                return report(False, f"give one weight per x ({len(xs)} for xs = {xs}), in the order of xs")
            if got == [(-w) % modulus for w in want] and len(xs) % 2 == 0:
                return report(
                    False,
                    f"for xs = {xs} every weight has the wrong sign: the factor is x_m / (x_m − x_j), "
                    "not x_m / (x_j − x_m) (an odd number of points hides this mistake)",
                )
            if got != want:
                return report(
                    False,
                    f"not the weights for xs = {xs} mod {modulus if modulus < 10**6 else 'r'}: the "
                    "weights at 0 make Σ λ_j · f(x_j) equal f(0); a product over the other points, "
                    "divided with pow(…, -1, modulus)",
                )
        return report(
            True,
            praise="right for 1 to 7 points, in any order, mod a small prime and mod r: these weights "
            "turn t shares into the secret — or t partials into a beacon",
        )

    return safely(check, "my_lagrange failed")


def check_recover_signature(my_recover: Callable[..., object] | None) -> bool:
    """``my_recover(scheme, partials, threshold)``: the group's signature from ``[(index, point), ...]``."""
    if is_stub(my_recover):
        return report(False, "define my_recover(scheme, partials, threshold) first")

    def check() -> bool:
        for scheme_id in ("pedersen-bls-chained", "bls-unchained-g1-rfc9380"):
            scheme = scheme_by_id(scheme_id)
            n, t = 5, 3
            poly = PriPoly.random(t)
            message = scheme.digest(1 + secrets.randbelow(10**6))
            hashed = bls.hash_message(scheme, message)
            chosen = sorted(secrets.SystemRandom().sample(range(n), t))
            partials = [(i, hashed * poly.eval(i).value) for i in chosen]
            got = my_recover(scheme, partials, t)
            expected = hashed * poly.secret()
            got_bytes = got.to_bytes() if hasattr(got, "to_bytes") else got
            if got_bytes != expected.to_bytes():
                return report(
                    False,
                    f"on {scheme_id} the result is not the group's signature. Share i sits at x = i + 1; "
                    "σ = Σ λ_j · σ_j with the Lagrange weights at 0 (use group.msm or a sum of products)",
                )
        return report(
            True, praise="t partials in, one BLS signature out — what every drand node does each round"
        )

    return safely(check, "my_recover failed")
