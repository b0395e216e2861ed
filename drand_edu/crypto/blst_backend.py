"""The fastest backend: supranational's blst (C and assembly) through the ``pyblst`` bindings.

Byte for byte the same results as the other two backends (the test suite compares them). The
bindings are small: compress/uncompress (with the subgroup check), hash-to-curve with a DST, scalar
multiplication, addition, negation, the Miller loop and a final exponentiation that compares two
Miller-loop results. What they lack is filled in here or borrowed:

* **multi-scalar multiplication** is written here on top of blst's point addition: Pippenger's
  bucket method for many points (for a batch of 1,000 beacons about ten times faster than one scalar
  multiplication per point), Straus's interleaving for a few points with short scalars (threshold
  recovery), one multiplication per point otherwise, whichever needs the fewest additions;
* **a pairing check** ``Π e(P_i, Q_i) = 1`` is blst's ``final_verify(f, g)``, which tests
  ``FE(f) = FE(g)`` for Miller-loop values ``f``, ``g``: the product of all loops but the last
  against the loop of the last pair with ``P`` negated (``e(-P, Q) = e(P, Q)⁻¹``);
* **GT values** (``pairing``, their product and their 576 bytes, which tlock hashes) cannot be read
  out of the bindings, so those operations go to the arkworks backend, imported only when first used:
  the points cross over through their compressed bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyblst import BlstP1Element, BlstP2Element, final_verify, miller_loop

from ..errors import InvalidPoint
from .backend import Backend, OperatorBackend, RawGT, RawPoint

_POINT_TYPES = {"G1": BlstP1Element, "G2": BlstP2Element}
#: The standard generators, compressed (the same bytes every BLS12-381 library has).
_GENERATORS = {
    "G1": bytes.fromhex(
        "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
    ),
    "G2": bytes.fromhex(
        "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
        "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"
    ),
}
#: An addition through the bindings costs about as much as this fraction of a scalar multiplication;
#: it decides between Pippenger and one multiplication per point.
_ADDS_PER_MULTIPLICATION = 130


class BlstBackend(OperatorBackend):
    """BLS12-381 on blst."""

    name = "blst"

    def __init__(self) -> None:
        self._generators = {
            group: _POINT_TYPES[group].uncompress(data) for group, data in _GENERATORS.items()
        }
        self._arkworks: Backend | None = None

    def generator(self, group: str) -> RawPoint:
        return self._generators[group]

    def identity(self, group: str) -> RawPoint:
        return _POINT_TYPES[group]()  # blst's all-zero point is the point at infinity

    def mul(self, group: str, a: RawPoint, scalar: int) -> RawPoint:
        return a.scalar_mul(scalar)

    def compress(self, group: str, a: RawPoint) -> bytes:
        return bytes(a.compress())

    def decompress_finite(self, group: str, data: bytes) -> RawPoint:
        try:
            return _POINT_TYPES[group].uncompress(data)  # solves for y and checks the subgroup
        except ValueError as exc:
            if "NOT_IN_GROUP" in str(exc):
                raise InvalidPoint(
                    f"{group} point: on the curve but not in the prime-order subgroup"
                ) from None
            raise InvalidPoint(f"{group} point: not on the curve") from None

    def hash_to_curve(self, group: str, message: bytes, dst: bytes) -> RawPoint:
        return _POINT_TYPES[group].hash_to_group(bytes(message), bytes(dst))

    def msm(self, group: str, points: Sequence[RawPoint], scalars: Sequence[int]) -> RawPoint:
        pairs = [(p, s) for p, s in zip(points, scalars, strict=True) if s]
        if not pairs:
            return self.identity(group)
        bits = max(s for _, s in pairs).bit_length()
        costs = {  # additions through the bindings, for each way
            "one by one": len(pairs) * _ADDS_PER_MULTIPLICATION,
            "straus": _straus_cost(len(pairs), bits, _STRAUS_WINDOW),
            "pippenger": _pippenger_cost(len(pairs), bits, _best_window(len(pairs), bits)),
        }
        way = min(costs, key=costs.__getitem__)
        if way == "straus":
            return _straus(self.identity(group), pairs, bits, _STRAUS_WINDOW)
        if way == "pippenger":
            return _pippenger(self.identity(group), pairs, bits, _best_window(len(pairs), bits))
        total = self.identity(group)
        for point, scalar in pairs:
            total = total + point.scalar_mul(scalar)
        return total

    def pairing_check(self, pairs: Sequence[tuple[RawPoint, RawPoint]]) -> bool:
        identity_1, identity_2 = self.identity("G1"), self.identity("G2")
        pairs = [(p, q) for p, q in pairs if not (p == identity_1 or q == identity_2)]  # e(O, Q) = 1
        if not pairs:
            return True
        if len(pairs) == 1:  # e(P, Q) = 1 with P, Q ≠ O never holds in prime-order groups
            return False
        product = miller_loop(*pairs[0])
        for p, q in pairs[1:-1]:
            product = product * miller_loop(p, q)
        last_p, last_q = pairs[-1]
        return final_verify(product, miller_loop(-last_p, last_q))

    # -- GT: the bindings cannot serialise it, so arkworks computes it ----------------------------
    def _gt_backend(self) -> Backend:
        if self._arkworks is None:
            from .backend import get_backend

            self._arkworks = get_backend("arkworks")
        return self._arkworks

    def pairing(self, p: RawPoint, q: RawPoint) -> RawGT:
        other = self._gt_backend()
        return other.pairing(
            other.decompress("G1", self.compress("G1", p)), other.decompress("G2", self.compress("G2", q))
        )

    def gt_mul(self, a: RawGT, b: RawGT) -> RawGT:
        return self._gt_backend().gt_mul(a, b)

    def gt_eq(self, a: RawGT, b: RawGT) -> bool:
        return self._gt_backend().gt_eq(a, b)

    def gt_to_bytes(self, a: RawGT) -> bytes:
        return self._gt_backend().gt_to_bytes(a)


def _pippenger_cost(count: int, bits: int, window: int) -> int:
    """Additions of Pippenger with ``window``-bit digits: per digit position, ``count`` additions
    into buckets and ``2·2^window`` to sum the buckets; ``bits`` doublings."""
    return -(-bits // window) * (count + 2 ** (window + 1)) + bits


def _best_window(count: int, bits: int) -> int:
    """The bucket width with the fewest additions for Pippenger."""
    return min(range(1, 16), key=lambda window: _pippenger_cost(count, bits, window))


#: Straus's window: a table of the 7 first multiples of each point (for few points, short scalars).
_STRAUS_WINDOW = 3


def _straus_cost(count: int, bits: int, window: int) -> int:
    """Additions of Straus's method: the tables, ``bits`` shared doublings, one addition per nonzero digit."""
    return count * (2**window - 2) + bits + round(count * -(-bits // window) * (1 - 2**-window))


def _digit_shifts(bits: int, window: int) -> range:
    """The bit offsets of the ``window``-bit digits of a ``bits``-bit scalar, most significant first."""
    return range(-(-bits // window) * window - window, -1, -window)


def _doubled(total: RawPoint | None, times: int) -> RawPoint | None:
    """``2^times · total`` (``None`` stands for the point at infinity, which needs no work)."""
    if total is not None:
        for _ in range(times):
            total = total + total
    return total


def _straus(identity: RawPoint, pairs: list[tuple[RawPoint, int]], bits: int, window: int) -> RawPoint:
    """``Σ s·P`` by Straus's interleaving: every point gets a table ``P, 2P, …, (2^window − 1)P``; then,
    from the most significant digit down, the total is doubled ``window`` times and each point's digit
    adds one entry of its table. The doublings are shared by all the points."""
    tables = []
    for point, _ in pairs:
        table = [point, point]
        for _ in range(2, 1 << window):
            table.append(table[-1] + point)
        tables.append(table)
    mask = (1 << window) - 1
    total = None
    for shift in _digit_shifts(bits, window):
        total = _doubled(total, window)
        for table, (_, scalar) in zip(tables, pairs, strict=True):
            digit = (scalar >> shift) & mask
            if digit:
                total = table[digit] if total is None else total + table[digit]
    return identity if total is None else total


def _pippenger(identity: RawPoint, pairs: list[tuple[RawPoint, int]], bits: int, window: int) -> RawPoint:
    """``Σ s·P`` by Pippenger's bucket method: for each ``window``-bit digit position (most significant
    first) every point is added to the bucket of its digit, and ``Σ d·bucket[d]`` is computed with two
    running sums; between positions the total is doubled ``window`` times."""
    mask = (1 << window) - 1
    total = None
    for shift in _digit_shifts(bits, window):
        total = _doubled(total, window)
        buckets: list[RawPoint | None] = [None] * (mask + 1)
        for point, scalar in pairs:
            digit = (scalar >> shift) & mask
            if digit:
                bucket = buckets[digit]
                buckets[digit] = point if bucket is None else bucket + point
        running = window_sum = None
        for digit in range(mask, 0, -1):
            bucket = buckets[digit]
            if bucket is not None:
                running = bucket if running is None else running + bucket
            if running is not None:
                window_sum = running if window_sum is None else window_sum + running
        if window_sum is not None:
            total = window_sum if total is None else total + window_sum
    return identity if total is None else total
