"""Where randomness comes from.

Every function that draws randomness takes an optional ``rng``. The default is the operating
system's CSPRNG (``secrets``). Notebooks and tests pass :func:`seeded_rng` so their output is
reproducible: **that is for teaching only**; a seeded Mersenne Twister must never make real keys.
"""

from __future__ import annotations

import random
import secrets

#: The type every ``rng=`` argument accepts: anything with ``randbelow``-like methods of ``random.Random``.
Rng = random.Random


def default_rng() -> Rng:
    """A random source backed by the OS CSPRNG (``secrets``). This is the secure default."""
    return secrets.SystemRandom()


def seeded_rng(seed: int | str | bytes) -> Rng:
    """A *deterministic* random source, for reproducible notebooks and tests. Teaching only!"""
    return random.Random(seed)


def resolve(rng: Rng | None) -> Rng:
    """``rng`` itself, or the secure default when it is ``None``."""
    return default_rng() if rng is None else rng


def random_scalar(modulus: int, rng: Rng | None = None) -> int:
    """A uniform integer in ``[1, modulus)`` (zero is excluded: it is never a useful secret)."""
    return 1 + resolve(rng).randrange(modulus - 1)


def random_bytes(n: int, rng: Rng | None = None) -> bytes:
    """``n`` random bytes from ``rng`` (secure default when ``None``)."""
    if rng is None:
        return secrets.token_bytes(n)
    return rng.randbytes(n)
