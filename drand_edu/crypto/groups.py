"""Points of G1 and G2 (of BLS12-381 or of BN254) as values you can add, negate, multiply and compare.

A :class:`Point` keeps the backend's native object and remembers its group, so code reads like
the math: ``pk = G2.generator() * sk``, ``sig == sk * H``. Operations run on the *current* backend
(:func:`~drand_edu.crypto.backend.use_backend`); a point made by another backend is carried over
through its bytes, so switching backends in a notebook never breaks existing values.

Each :class:`CurveGroup` knows its curve and its order: :data:`G1`, :data:`G2` are BLS12-381's,
:data:`BN254_G1`, :data:`BN254_G2` are BN254's (the curve of evmnet). Points of different curves
never mix, and scalars are reduced modulo the order of the point's own group.

In drand a BLS12-381 point is a kyber-bls12381 value wrapping a ``kilic/bls12-381`` point and the DST
its ``Hash`` uses (:meth:`CurveGroup.hash_to_curve` takes the DST as an argument instead):
[`KyberG1`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L21-L29),
[`Hash`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L159-L168).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import InvalidInput
from ..hexbytes import from_hex, short_hex
from .backend import Backend, current_backend
from .constants import (
    BLS12_381,
    BN254,
    BN254_CURVE_ORDER,
    BN254_G1_SIZE,
    BN254_G2_SIZE,
    CURVE_ORDER,
    G1_SIZE,
    G2_SIZE,
)


class Point:
    """An element of G1 or G2 (immutable). Build one with :data:`G1` / :data:`G2`, not directly."""

    __slots__ = ("_backend", "_raw", "group")

    def __init__(self, group: CurveGroup, raw: Any, backend: Backend) -> None:
        self.group = group
        self._raw = raw
        self._backend = backend

    # -- moving between backends -------------------------------------------------------------
    def raw(self, backend: Backend | None = None) -> Any:
        """The native point object for ``backend`` (default: the current one)."""
        backend = backend or current_backend(self.group.curve)
        if backend is self._backend:
            return self._raw
        return backend.decompress(self.group.name, self.to_bytes())

    def _wrap(self, raw: Any, backend: Backend) -> Point:
        return Point(self.group, raw, backend)

    def _check_same_group(self, other: object) -> Point:
        if not isinstance(other, Point):
            raise TypeError(f"cannot combine a {self.group.label} point with {type(other).__name__}")
        if other.group is not self.group:
            raise InvalidInput(f"cannot add a {self.group.label} point to a {other.group.label} point")
        return other

    # -- arithmetic --------------------------------------------------------------------------
    def __add__(self, other: Point) -> Point:
        other = self._check_same_group(other)
        b = current_backend(self.group.curve)
        return self._wrap(b.add(self.group.name, self.raw(b), other.raw(b)), b)

    def __neg__(self) -> Point:
        b = current_backend(self.group.curve)
        return self._wrap(b.neg(self.group.name, self.raw(b)), b)

    def __sub__(self, other: Point) -> Point:
        return self + (-other)

    def __mul__(self, scalar: int) -> Point:
        if not isinstance(scalar, int):
            return NotImplemented
        b = current_backend(self.group.curve)
        return self._wrap(b.mul(self.group.name, self.raw(b), scalar % self.group.order), b)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Point) or other.group is not self.group:
            return False
        b = current_backend(self.group.curve)
        return b.eq(self.group.name, self.raw(b), other.raw(b))

    def __hash__(self) -> int:
        return hash((self.group.label, self.to_bytes()))

    # -- bytes -------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The bytes drand stores: on BLS12-381 the compressed ZCash/IETF encoding, 48 bytes (G1) or
        96 bytes (G2); on BN254 kyber's uncompressed ``x ‖ y``, 64 bytes (G1) or 128 bytes (G2)."""
        return self._backend.compress(self.group.name, self._raw)

    def hex(self) -> str:
        return self.to_bytes().hex()

    def is_identity(self) -> bool:
        return self == self.group.identity()

    def __repr__(self) -> str:
        return f"{self.group.label}Point({short_hex(self.to_bytes())})"


@dataclass(frozen=True, eq=False)
class CurveGroup:
    """One of the two source groups of a pairing (BLS12-381's or BN254's); both have prime order."""

    name: str  # "G1" or "G2": what the curve's backend calls it
    size: int  # encoded size in bytes
    curve: str = BLS12_381
    order: int = CURVE_ORDER  # r: scalars of this group live mod r
    compressed: bool = True  # drand's BLS12-381 points are compressed, its BN254 points are not

    @property
    def label(self) -> str:
        """``G1``/``G2`` on BLS12-381, ``BN254.G1``/``BN254.G2`` on BN254 (for messages and reprs)."""
        return self.name if self.curve == BLS12_381 else f"BN254.{self.name}"

    def generator(self) -> Point:
        """The standard generator (``P1`` or ``P2``)."""
        b = current_backend(self.curve)
        return Point(self, b.generator(self.name), b)

    def identity(self) -> Point:
        """The point at infinity (the group's neutral element)."""
        b = current_backend(self.curve)
        return Point(self, b.identity(self.name), b)

    def from_bytes(self, data: bytes) -> Point:
        """Decode a point, checking encoding, curve and subgroup (raises ``InvalidPoint``).

        Decoding is a pure function of the bytes, and the subgroup check is its costly part, so the
        last few thousand decoded points are remembered (a simulated network decodes every partial
        once per node). Invalid bytes raise every time: errors are never cached.
        """
        b = current_backend(self.curve)
        return Point(self, _decompress(b, self.name, bytes(data)), b)

    def from_hex(self, text: str) -> Point:
        """Decode a hex-encoded point (raises ``InvalidInput`` / ``InvalidPoint``)."""
        return self.from_bytes(from_hex(text, what=f"{self.label} point"))

    def hash_to_curve(self, message: bytes, dst: bytes) -> Point:
        """Hash bytes to a point of this group under ``dst`` (RFC 9380, random oracle): SHA-256 and
        SSWU on BLS12-381, Keccak-256 and SvdW on BN254 (G1 only, as drand's scheme needs).

        Also a pure function, remembered like :meth:`from_bytes` (every node hashes each round's message).
        """
        b = current_backend(self.curve)
        return Point(self, _hash_to_curve(b, self.name, bytes(message), bytes(dst)), b)

    def msm(self, points: Sequence[Point], scalars: Sequence[int]) -> Point:
        """``Σ scalars[i] · points[i]``, done as one multi-scalar multiplication on the fast backend."""
        if len(points) != len(scalars):
            raise InvalidInput("msm: as many scalars as points are needed")
        b = current_backend(self.curve)
        raws = [p.raw(b) for p in points]
        return Point(self, b.msm(self.name, raws, [s % self.order for s in scalars]), b)

    def sum(self, points: Iterable[Point]) -> Point:
        total = self.identity()
        for p in points:
            total = total + p
        return total

    def other(self) -> CurveGroup:
        """The other source group (the one a BLS signature lives in when keys live here)."""
        g1, g2 = _PAIRS[self.curve]
        return g2 if self is g1 else g1

    def __repr__(self) -> str:
        return self.label


G1 = CurveGroup("G1", G1_SIZE)
G2 = CurveGroup("G2", G2_SIZE)
BN254_G1 = CurveGroup("G1", BN254_G1_SIZE, BN254, BN254_CURVE_ORDER, compressed=False)
BN254_G2 = CurveGroup("G2", BN254_G2_SIZE, BN254, BN254_CURVE_ORDER, compressed=False)
#: curve -> (G1, G2)
_PAIRS = {BLS12_381: (G1, G2), BN254: (BN254_G1, BN254_G2)}


@lru_cache(maxsize=4096)
def _decompress(backend: Backend, group: str, data: bytes) -> Any:
    return backend.decompress(group, data)


@lru_cache(maxsize=4096)
def _hash_to_curve(backend: Backend, group: str, message: bytes, dst: bytes) -> Any:
    return backend.hash_to_curve(group, message, dst)


def clear_caches() -> None:
    """Forget every cached point decoding and hash-to-curve result.

    Decoding a point and hashing to the curve are cached because a node meets the same bytes many
    times (a partial reaches every node, a round's message is signed by every share). A benchmark
    that wants the cost of *fresh* work, as a verifier meeting a beacon for the first time pays it,
    calls this first.
    """
    _decompress.cache_clear()
    _hash_to_curve.cache_clear()


def group_by_name(name: str, curve: str = BLS12_381) -> CurveGroup:
    """``G1`` or ``G2`` of ``curve`` from its name."""
    try:
        return dict(zip(("G1", "G2"), _PAIRS[curve], strict=True))[name]
    except KeyError:
        raise InvalidInput(f"unknown group {name!r} on curve {curve!r}") from None


def _split(p: Point, q: Point) -> tuple[Point, Point]:
    """Order a pair as (G1 point, G2 point) of one curve, whichever way it was given."""
    if p.group.name == "G2" and q.group.name == "G1":
        p, q = q, p
    g1, g2 = _PAIRS[p.group.curve]
    if p.group is not g1 or q.group is not g2:
        raise InvalidInput("a pairing needs one G1 point and one G2 point of the same curve")
    return p, q


def pairing_check(pairs: Iterable[tuple[Point, Point]]) -> bool:
    """True when ``Π e(P_i, Q_i) = 1``. One final exponentiation for the whole product.

    BLS verification is ``e(pk, H(m)) = e(g, σ)``, written as ``e(pk, H(m)) · e(-g, σ) = 1``.
    """
    split = [_split(p, q) for p, q in pairs]
    if not split:
        return True
    curve = split[0][0].group.curve
    if any(p.group.curve != curve for p, _ in split):
        raise InvalidInput("a pairing check cannot mix points of two curves")
    b = current_backend(curve)
    return b.pairing_check([(p.raw(b), q.raw(b)) for p, q in split])


class GTElement:
    """An element of GT (the pairing's target group, inside Fp12), written multiplicatively."""

    __slots__ = ("_backend", "_raw")

    def __init__(self, raw: Any, backend: Backend) -> None:
        self._raw = raw
        self._backend = backend

    def _same_backend(self, other: GTElement) -> None:
        if other._backend is not self._backend:
            raise InvalidInput("GT elements from different backends cannot be combined; recompute them")

    def __mul__(self, other: GTElement) -> GTElement:
        self._same_backend(other)
        return GTElement(self._backend.gt_mul(self._raw, other._raw), self._backend)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GTElement):
            return False
        return self.to_bytes() == other.to_bytes()

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def to_bytes(self) -> bytes:
        """kyber's serialisation, the one tlock hashes: 576 bytes on BLS12-381, 384 on BN254."""
        return self._backend.gt_to_bytes(self._raw)

    def __repr__(self) -> str:
        return f"GT({short_hex(self.to_bytes())})"


def pairing(p: Point, q: Point) -> GTElement:
    """The standard pairing ``e(P, Q)`` (arguments in either order), identical on both backends."""
    p, q = _split(p, q)
    b = current_backend(p.group.curve)
    return GTElement(b.pairing(p.raw(b), q.raw(b)), b)
