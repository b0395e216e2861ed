"""Fair random numbers from a beacon: integers in a range, choice, shuffle, sample.

A beacon's randomness is 32 uniformly random bytes. Two classic mistakes turn it into *unfair*
numbers, and these helpers avoid both:

* **Modulo bias.** ``int(randomness) % 6`` makes small numbers slightly likelier whenever 6 does not
  divide 2^256. We use *rejection sampling*: draw ``k`` bits (the smallest power of two ≥ the range),
  throw away draws that land past the range, draw again.
* **Reusing the same bits** for several decisions, or for several applications. Every draw comes from
  ``SHA-256(domain ‖ label ‖ randomness ‖ counter)``: a different ``label`` ("lottery-2026") gives an
  independent stream, so two uses of one beacon cannot be correlated.

Anyone holding the (verified) beacon can recompute the result: that is what makes a draw auditable.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableSequence, Sequence
from typing import TypeVar

from ..chain.beacon import Beacon
from ..errors import InvalidInput

T = TypeVar("T")
DOMAIN = b"drand-edu/randomness/v1"


class BeaconRandom:
    """A deterministic stream of fair choices derived from one beacon and a label."""

    def __init__(self, source: Beacon | bytes, label: str = "") -> None:
        randomness = source.randomness if isinstance(source, Beacon) else bytes(source)
        if len(randomness) != 32:
            raise InvalidInput(f"randomness must be 32 bytes, got {len(randomness)}")
        self._seed = hashlib.sha256(
            DOMAIN + len(label).to_bytes(4, "big") + label.encode() + randomness
        ).digest()
        self._counter = 0
        self._pool = 0
        self._pool_bits = 0

    def _next_block(self) -> bytes:
        block = hashlib.sha256(self._seed + self._counter.to_bytes(8, "big")).digest()
        self._counter += 1
        return block

    def getrandbits(self, k: int) -> int:
        """``k`` uniform random bits, taken from the stream in order."""
        while self._pool_bits < k:
            block = self._next_block()
            self._pool = (self._pool << 256) | int.from_bytes(block, "big")
            self._pool_bits += 256
        self._pool_bits -= k
        value = self._pool >> self._pool_bits
        self._pool &= (1 << self._pool_bits) - 1
        return value

    def randbelow(self, n: int) -> int:
        """Uniform in ``[0, n)`` by rejection sampling (no modulo bias)."""
        if n <= 0:
            raise InvalidInput(f"randbelow needs a positive bound, got {n}")
        bits = max(1, (n - 1).bit_length())
        while True:
            candidate = self.getrandbits(bits)
            if candidate < n:
                return candidate

    def randint(self, low: int, high: int) -> int:
        """Uniform in ``[low, high]``, both ends included (like :func:`random.randint`)."""
        if high < low:
            raise InvalidInput(f"empty range [{low}, {high}]")
        return low + self.randbelow(high - low + 1)

    def choice(self, items: Sequence[T]) -> T:
        """One element, each equally likely."""
        if not items:
            raise InvalidInput("cannot choose from an empty sequence")
        return items[self.randbelow(len(items))]

    def shuffle(self, items: MutableSequence[T]) -> None:
        """Shuffle in place (Fisher–Yates: every order equally likely)."""
        for i in range(len(items) - 1, 0, -1):
            j = self.randbelow(i + 1)
            items[i], items[j] = items[j], items[i]

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """``k`` distinct elements, in draw order (a lottery's winners)."""
        if not 0 <= k <= len(items):
            raise InvalidInput(f"cannot sample {k} of {len(items)} items")
        pool = list(items)
        for i in range(k):
            j = i + self.randbelow(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


def randint(beacon: Beacon | bytes, low: int, high: int, *, label: str = "") -> int:
    """A fair integer in ``[low, high]`` from a beacon (one draw of the ``label`` stream)."""
    return BeaconRandom(beacon, label).randint(low, high)


def choice(beacon: Beacon | bytes, items: Sequence[T], *, label: str = "") -> T:
    """A fair choice of one element from a beacon."""
    return BeaconRandom(beacon, label).choice(items)


def shuffle(beacon: Beacon | bytes, items: Sequence[T], *, label: str = "") -> list[T]:
    """A fairly shuffled copy of ``items``."""
    copy = list(items)
    BeaconRandom(beacon, label).shuffle(copy)
    return copy


def sample(beacon: Beacon | bytes, items: Sequence[T], k: int, *, label: str = "") -> list[T]:
    """``k`` distinct winners drawn fairly from ``items``."""
    return BeaconRandom(beacon, label).sample(items, k)
