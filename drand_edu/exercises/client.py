"""Exercise checkers for notebook 08 (client libraries and timelock encryption).

Each checker calls the learner's function on fresh random inputs and compares it with the library,
so a passing answer is one that behaves right, not one that matches a stored value.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from ..chain.info import ChainInfo
from ..crypto import bls
from ..crypto.schemes import scheme_by_id
from ..rng import seeded_rng
from ..tlock import ibe
from .common import is_stub, report, safely

__all__ = ["check_ibe_decrypt", "check_randbelow", "check_round_at"]


def _random_chain(scheme_id: str = "bls-unchained-g1-rfc9380") -> tuple[ChainInfo, int]:
    scheme = scheme_by_id(scheme_id)
    keys = bls.keygen(scheme)
    genesis = 1_600_000_000 + secrets.randbelow(10**8)
    period = 1 + secrets.randbelow(30)
    return ChainInfo(keys.public.to_bytes(), period, genesis, b"exercise", scheme, "exercise"), keys.secret


def check_round_at(my_round_at: Callable[[ChainInfo, float], int] | None) -> bool:
    """``my_round_at(info, unix_time)``: the round that is current at ``unix_time`` (1 before genesis,
    as drand's ``CurrentRound``)."""
    if is_stub(my_round_at):
        return report(False, "define my_round_at(info, unix_time) first")

    def check() -> bool:
        info, _ = _random_chain()
        g, p = info.genesis_time, info.period
        # (description, time): descriptions only, so the hint never depends on the random chain
        cases = [
            ("just before genesis", g - 1),
            ("exactly at genesis", g),
            ("half a second after genesis", g + 0.5),
            ("one second before the second round", g + p - 1),
            ("exactly when the second round starts", g + p),
            ("a little after the eighth round starts", g + 7 * p + 1),
            ("a random time, months later", g + secrets.randbelow(10**7)),
        ]
        for where, moment in cases:
            got, want = my_round_at(info, moment), info.round_at(moment)
            if got != want:
                return report(
                    False,
                    f"{where} you said round {got!r}. Round 1 starts at genesis (before it: 1, as drand); "
                    "a new round starts every period.",
                )
        return report(True, praise="you can now pick the round a ciphertext unlocks at")

    return safely(check, "my_round_at failed")


class _ScriptedBits:
    """A stand-in for BeaconRandom: ``getrandbits(k)`` returns the scripted values first, then fair ones.

    A scripted ``-1`` means "all k bits set", whatever k the sampler asks for. ``calls`` counts draws.
    """

    def __init__(self, script: Sequence[int]) -> None:
        self._script = list(script)
        self._rng = seeded_rng(secrets.randbits(64))
        self.calls = 0

    def getrandbits(self, k: int) -> int:
        self.calls += 1
        if self._script:
            return self._script.pop(0) & ((1 << k) - 1)
        return self._rng.getrandbits(k)


def _takes_first_draw_as_it_comes(my_randbelow: Callable[[object, int], int], n: int) -> bool:
    """True when both the smallest (0) and the largest (all ones) first draw are used without drawing again.

    With k bits and n not a power of two, 2^k is not a multiple of n, so a fair sampler must reject some
    k-bit values: the top ones (``x >= 2^k - 2^k mod n``), or the bottom ones (Lemire's method). A sampler
    that keeps both extremes keeps every draw: ``x % n`` with its modulo bias.
    """
    kept = 0
    for first in (0, -1):
        stream = _ScriptedBits([first])
        my_randbelow(stream, n)
        kept += stream.calls == 1
    return kept == 2


def check_randbelow(my_randbelow: Callable[[object, int], int] | None) -> bool:
    """``my_randbelow(stream, n)``: uniform in [0, n) using only ``stream.getrandbits(k)``, no modulo bias."""
    if is_stub(my_randbelow):
        return report(False, "define my_randbelow(stream, n) first")

    def check() -> bool:
        for n in [1, 2, 3, 2**20, 2**40 + 15, *(2 + secrets.randbelow(1000) for _ in range(40))]:
            value = my_randbelow(_ScriptedBits([]), n)
            if not isinstance(value, int) or not 0 <= value < n:
                return report(False, f"my_randbelow(stream, {n}) returned {value!r}, not an int in [0, {n})")
        for n in (3, 5, 6, 7, 10, 1000, 10**6 + 3):
            if _takes_first_draw_as_it_comes(my_randbelow, n):
                return report(
                    False,
                    f"for n = {n} your sampler used its first draw whether it was 0 or the largest value: "
                    "when the number of possible draws is not a multiple of n some values must be thrown "
                    "away and drawn again, or the small results come out more often (modulo bias)",
                )
        counts = [0] * 5
        stream = _ScriptedBits([])
        for _ in range(5000):
            counts[my_randbelow(stream, 5)] += 1
        if max(counts) - min(counts) > 400:  # expected 1000 each, sd ≈ 28
            return report(False, f"5,000 draws of my_randbelow(stream, 5) are far from uniform: {counts}")
        return report(
            True,
            praise="in range for every n tried, uniform in 5,000 draws, and it draws again rather than fold "
            "the leftover values: no modulo bias",
        )

    return safely(check, "my_randbelow failed")


def check_ibe_decrypt(my_ibe_decrypt: Callable[..., bytes] | None) -> bool:
    """``my_ibe_decrypt(scheme, signature, ciphertext)``: recover the message from (U, V, W)."""
    if is_stub(my_ibe_decrypt):
        return report(False, "define my_ibe_decrypt(scheme, signature, ciphertext) first")

    def check() -> bool:
        for scheme_id in ("bls-unchained-g1-rfc9380", "pedersen-bls-unchained"):
            info, secret = _random_chain(scheme_id)
            round_number = 1 + secrets.randbelow(10**6)
            message = secrets.token_bytes(16)
            ciphertext = ibe.encrypt(info.scheme, info.public_key_point(), round_number, message)
            signature = info.scheme.sig_group.from_bytes(
                bls.sign(info.scheme, secret, info.scheme.digest(round_number))
            )
            got = my_ibe_decrypt(info.scheme, signature, ciphertext)
            if got != message:
                return report(
                    False,
                    f"on {scheme_id} you did not return the message (got {type(got).__name__}). "
                    "σ = V ⊕ H2(e(signature, U)), then M = W ⊕ H4(σ)",
                )
        return report(True, praise="the round's signature is the IBE private key")

    return safely(check, "my_ibe_decrypt failed")
