"""Secret polynomials and their public commitments, after kyber's ``share/poly.go``.

A :class:`PriPoly` of degree ``t-1`` hides its secret in the constant term ``f(0)``. Share ``i``
is ``f(i + 1)`` (kyber counts share indices from 0 and evaluates at ``i + 1``, so no share is ever
``f(0)`` itself). Any ``t`` shares determine ``f`` — and so the secret — by Lagrange
interpolation at 0; ``t - 1`` shares say nothing at all about it.

A :class:`PubPoly` holds the commitments ``A_k = a_k · G`` to the coefficients. From them anyone
can compute ``f(x) · G`` for any ``x`` without learning ``f``: this is what lets a node check the
share a dealer sent it (Feldman VSS) and a verifier check a partial signature.

``modulus`` defaults to the BLS12-381 group order ``r``. A small prime (say 97) gives a "toy field"
whose numbers fit on a plot; curve commitments only make sense with the real ``r``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..crypto.constants import CURVE_ORDER
from ..crypto.groups import CurveGroup, Point
from ..errors import InvalidInput, InvalidShare, NotEnoughShares
from ..rng import Rng, resolve


@dataclass(frozen=True)
class PriShare:
    """Share number ``index`` of a secret: the value ``f(index + 1)``. The repr hides the value."""

    index: int
    value: int

    def __repr__(self) -> str:
        return f"PriShare(index={self.index}, value=<hidden>)"


@dataclass(frozen=True)
class PubShare:
    """The public image of a share: ``f(index + 1) · G``."""

    index: int
    value: Point


@dataclass(frozen=True)
class PriPoly:
    """A secret polynomial ``f(x) = a_0 + a_1 x + … + a_{t-1} x^{t-1}`` over the integers mod ``modulus``."""

    coefficients: tuple[int, ...]
    modulus: int = CURVE_ORDER

    @classmethod
    def random(
        cls, threshold: int, secret: int | None = None, rng: Rng | None = None, modulus: int = CURVE_ORDER
    ) -> PriPoly:
        """A uniformly random polynomial of degree ``threshold - 1``, with ``secret`` as ``f(0)`` if given."""
        if threshold < 1:
            raise InvalidInput(f"threshold must be at least 1, got {threshold}")
        rng = resolve(rng)
        coefficients = [rng.randrange(modulus) for _ in range(threshold)]
        if secret is not None:
            coefficients[0] = secret % modulus
        return cls(tuple(coefficients), modulus)

    @property
    def threshold(self) -> int:
        """How many shares recover the secret: the number of coefficients."""
        return len(self.coefficients)

    def secret(self) -> int:
        """``f(0)``."""
        return self.coefficients[0]

    def evaluate(self, x: int) -> int:
        """``f(x)`` by Horner's rule."""
        result = 0
        for coefficient in reversed(self.coefficients):
            result = (result * x + coefficient) % self.modulus
        return result

    def eval(self, index: int) -> PriShare:
        """Share number ``index`` (kyber's ``Eval``): ``f(index + 1)``."""
        if index < 0:
            raise InvalidInput(f"share index must be non-negative, got {index}")
        return PriShare(index, self.evaluate(index + 1))

    def shares(self, n: int) -> list[PriShare]:
        """The first ``n`` shares, indices ``0 … n-1``."""
        return [self.eval(i) for i in range(n)]

    def commit(self, group: CurveGroup) -> PubPoly:
        """The public commitments ``a_k · G`` (only meaningful with the real group order)."""
        if self.modulus != CURVE_ORDER:
            raise InvalidInput("commitments need the real group order; this polynomial uses a toy field")
        g = group.generator()
        return PubPoly(group, tuple(g * a for a in self.coefficients))

    def add(self, other: PriPoly) -> PriPoly:
        """Coefficient-wise sum: the shares of a sum are the sums of the shares (used by the DKG)."""
        if self.threshold != other.threshold or self.modulus != other.modulus:
            raise InvalidInput("can only add polynomials of the same degree over the same field")
        return PriPoly(
            tuple((a + b) % self.modulus for a, b in zip(self.coefficients, other.coefficients, strict=True)),
            self.modulus,
        )

    def __repr__(self) -> str:
        return f"PriPoly(threshold={self.threshold}, coefficients=<hidden>)"


@dataclass(frozen=True)
class PubPoly:
    """Commitments ``A_k = a_k · G`` to a secret polynomial's coefficients (kyber's ``PubPoly``)."""

    group: CurveGroup
    commits: tuple[Point, ...] = field(default_factory=tuple)

    @property
    def threshold(self) -> int:
        return len(self.commits)

    def commit(self) -> Point:
        """``A_0 = f(0) · G``: the public key that belongs to the shared secret."""
        return self.commits[0]

    def eval(self, index: int) -> PubShare:
        """``f(index + 1) · G``, computed from the commitments alone: ``Σ A_k · x^k``."""
        x = index + 1
        powers = [pow(x, k, CURVE_ORDER) for k in range(self.threshold)]
        return PubShare(index, self.group.msm(list(self.commits), powers))

    def check(self, share: PriShare) -> bool:
        """Does ``share`` lie on the committed polynomial? (``f(i+1) · G == PubPoly.eval(i)``)"""
        return self.group.generator() * share.value == self.eval(share.index).value

    def add(self, other: PubPoly) -> PubPoly:
        """Commitments of the sum of two polynomials."""
        if self.threshold != other.threshold or self.group is not other.group:
            raise InvalidInput("can only add commitments of the same length in the same group")
        return PubPoly(self.group, tuple(a + b for a, b in zip(self.commits, other.commits, strict=True)))


def lagrange_coefficients(xs: Sequence[int], modulus: int = CURVE_ORDER) -> list[int]:
    """``λ_j = Π_{m≠j} x_m / (x_m − x_j)``: the weights with ``f(0) = Σ λ_j f(x_j)``."""
    coefficients = []
    for j, xj in enumerate(xs):
        numerator, denominator = 1, 1
        for m, xm in enumerate(xs):
            if m != j:
                numerator = numerator * xm % modulus
                denominator = denominator * (xm - xj) % modulus
        coefficients.append(numerator * pow(denominator, -1, modulus) % modulus)
    return coefficients


def _first_t_distinct(shares: Sequence, threshold: int) -> list:
    if threshold < 1:
        raise InvalidInput(f"threshold must be at least 1, got {threshold}")
    seen: set[int] = set()
    for share in shares:
        if share.index in seen:
            raise InvalidShare(f"duplicate share index {share.index}")
        seen.add(share.index)
    if len(shares) < threshold:
        raise NotEnoughShares(f"need {threshold} shares, got {len(shares)}")
    return list(shares)[:threshold]


def recover_secret(shares: Sequence[PriShare], threshold: int, modulus: int = CURVE_ORDER) -> int:
    """``f(0)`` from any ``threshold`` shares (kyber's ``RecoverSecret``)."""
    chosen = _first_t_distinct(shares, threshold)
    lambdas = lagrange_coefficients([s.index + 1 for s in chosen], modulus)
    return sum(lam * s.value for lam, s in zip(lambdas, chosen, strict=True)) % modulus


def recover_commit(group: CurveGroup, shares: Sequence[PubShare], threshold: int) -> Point:
    """``f(0) · G`` from any ``threshold`` public shares: Lagrange in the exponent, one MSM."""
    chosen = _first_t_distinct(shares, threshold)
    lambdas = lagrange_coefficients([s.index + 1 for s in chosen])
    return group.msm([s.value for s in chosen], lambdas)


def minimum_threshold(n: int) -> int:
    """drand's default/minimum threshold for ``n`` nodes: a strict majority, ``n // 2 + 1``."""
    return n // 2 + 1
