"""Secret polynomials and their public commitments, after kyber's ``share/poly.go``.

A :class:`PriPoly` of degree ``t-1`` hides its secret in the constant term ``f(0)``. Share ``i``
is ``f(i + 1)`` (kyber counts share indices from 0 and evaluates at ``i + 1``, so no share is ever
``f(0)`` itself). Any ``t`` shares determine ``f`` — and so the secret — by Lagrange
interpolation at 0; ``t - 1`` shares say nothing at all about it: for *every* candidate secret
there is exactly one polynomial of degree ``t-1`` through those shares and that secret
(:func:`interpolate` builds it).

A :class:`PubPoly` holds the commitments ``A_k = a_k · G`` to the coefficients. From them anyone
can compute ``f(x) · G`` for any ``x`` without learning ``f``: this is what lets a node check the
share a dealer sent it (Feldman VSS) and a verifier check a partial signature.

``modulus`` defaults to the BLS12-381 group order ``r``. A small prime (say 97) gives a "toy field"
whose numbers fit on a plot; curve commitments only make sense with the real ``r``.

How recovery picks shares mirrors kyber's ``xyScalar``/``xyCommit``: shares are sorted by index
and the first ``t`` are used, so every party interpolates over the same subset. Where kyber
silently lets a later share with a repeated index overwrite an earlier one, we refuse with
:class:`~drand_edu.errors.InvalidShare`: two different values for one index mean someone lied.

kyber's ``share/poly.go``, and ours:
[`NewPriPoly`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L56-L66)
→
:meth:`PriPoly.random`;
[`Eval`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L84-L92)
(at ``i + 1``) →
:meth:`PriPoly.eval`;
[`Commit`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L141-L147)
→ :meth:`PriPoly.commit`;
[`RecoverSecret`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L180-L206)
→ :func:`recover_secret`;
[`Check`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L404-L408)
→ :meth:`PubPoly.check`;
[`RecoverCommit`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L448-L475)
→ :func:`recover_commit`;
[`MinimumT`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L1093-L1095)
→ :func:`minimum_threshold`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

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

    def __post_init__(self) -> None:
        if self.modulus < 2:
            raise InvalidInput(f"modulus must be a prime, got {self.modulus}")
        if not self.coefficients:
            raise InvalidInput("a polynomial needs at least one coefficient (its secret)")
        if not all(isinstance(a, int) for a in self.coefficients):
            raise InvalidInput("polynomial coefficients must be integers")
        object.__setattr__(self, "coefficients", tuple(a % self.modulus for a in self.coefficients))

    @classmethod
    def random(
        cls, threshold: int, secret: int | None = None, rng: Rng | None = None, modulus: int = CURVE_ORDER
    ) -> PriPoly:
        """A uniformly random polynomial of degree ``threshold - 1``, with ``secret`` as ``f(0)`` if given.

        kyber's ``NewPriPoly(group, t, s, rand)``: the secret is drawn too when ``secret`` is None.
        """
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
        _check_index(index, self.modulus)
        return PriShare(index, self.evaluate(index + 1))

    def shares(self, n: int) -> list[PriShare]:
        """The first ``n`` shares, indices ``0 … n-1`` (kyber's ``Shares``)."""
        return [self.eval(i) for i in range(n)]

    def commit(self, group: CurveGroup) -> PubPoly:
        """The public commitments ``a_k · G`` (only meaningful with the real group order)."""
        if self.modulus != group.order:
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "commits", tuple(self.commits))
        if not self.commits:
            raise InvalidInput("a public polynomial needs at least one commitment")
        for c in self.commits:
            if not isinstance(c, Point) or c.group is not self.group:
                raise InvalidInput(f"every commitment must be a {self.group.name} point")

    @classmethod
    def from_bytes_list(cls, group: CurveGroup, data: Sequence[bytes]) -> PubPoly:
        """Decode compressed commitments (as drand's group file and DKG packets carry them)."""
        return cls(group, tuple(group.from_bytes(d) for d in data))

    def to_bytes_list(self) -> list[bytes]:
        """The compressed commitments, ``A_0`` first."""
        return [c.to_bytes() for c in self.commits]

    @property
    def threshold(self) -> int:
        return len(self.commits)

    def commit(self) -> Point:
        """``A_0 = f(0) · G``: the public key that belongs to the shared secret."""
        return self.commits[0]

    def eval(self, index: int) -> PubShare:
        """``f(index + 1) · G``, computed from the commitments alone: ``Σ A_k · x^k`` (one MSM)."""
        order = self.group.order
        _check_index(index, order)
        x = index + 1
        powers = [pow(x, k, order) for k in range(self.threshold)]
        return PubShare(index, self.group.msm(list(self.commits), powers))

    def shares(self, n: int) -> list[PubShare]:
        """The first ``n`` public shares, indices ``0 … n-1``."""
        return [self.eval(i) for i in range(n)]

    def check(self, share: PriShare) -> bool:
        """Does ``share`` lie on the committed polynomial? (``f(i+1) · G == PubPoly.eval(i)``)"""
        if not isinstance(share.index, int) or share.index < 0 or not isinstance(share.value, int):
            return False
        return self.group.generator() * share.value == self.eval(share.index).value

    def add(self, other: PubPoly) -> PubPoly:
        """Commitments of the sum of two polynomials."""
        if self.threshold != other.threshold or self.group is not other.group:
            raise InvalidInput("can only add commitments of the same length in the same group")
        return PubPoly(self.group, tuple(a + b for a, b in zip(self.commits, other.commits, strict=True)))

    def __repr__(self) -> str:
        return f"PubPoly({self.group.name}, threshold={self.threshold}, commit={self.commit()!r})"


def _check_index(index: int, modulus: int) -> None:
    if not isinstance(index, int) or index < 0:
        raise InvalidInput(f"share index must be a non-negative integer, got {index!r}")
    if index + 1 >= modulus:
        # x = index + 1 would wrap around to 0 (or repeat another share): f(0) is the secret itself.
        raise InvalidInput(f"share index {index} is too large for a field of {modulus} elements")


def lagrange_coefficients(xs: Sequence[int], modulus: int = CURVE_ORDER) -> list[int]:
    """``λ_j = Π_{m≠j} x_m / (x_m − x_j)``: the weights with ``f(0) = Σ λ_j f(x_j)``."""
    if len({x % modulus for x in xs}) != len(xs):
        raise InvalidShare("interpolation points must be distinct")
    coefficients = []
    for j, xj in enumerate(xs):
        numerator, denominator = 1, 1
        for m, xm in enumerate(xs):
            if m != j:
                numerator = numerator * xm % modulus
                denominator = denominator * (xm - xj) % modulus
        coefficients.append(numerator * pow(denominator, -1, modulus) % modulus)
    return coefficients


def _poly_mul_linear(poly: list[int], root: int, modulus: int) -> list[int]:
    """``poly(x) · (x − root)``, coefficients lowest degree first."""
    out = [0] * (len(poly) + 1)
    for k, a in enumerate(poly):
        out[k] = (out[k] - root * a) % modulus
        out[k + 1] = (out[k + 1] + a) % modulus
    return out


def _lagrange_basis(xs: Sequence[int], modulus: int) -> list[list[int]]:
    """The coefficients of every Lagrange basis polynomial ``ℓ_j(x) = Π_{m≠j} (x − x_m)/(x_j − x_m)``."""
    if len({x % modulus for x in xs}) != len(xs):
        raise InvalidShare("interpolation points must be distinct")
    bases = []
    for j, xj in enumerate(xs):
        basis, denominator = [1], 1
        for m, xm in enumerate(xs):
            if m != j:
                basis = _poly_mul_linear(basis, xm, modulus)
                denominator = denominator * (xj - xm) % modulus
        inverse = pow(denominator, -1, modulus)
        bases.append([a * inverse % modulus for a in basis])
    return bases


def interpolate(points: Sequence[tuple[int, int]], modulus: int = CURVE_ORDER) -> PriPoly:
    """The unique polynomial of degree ``< len(points)`` through ``(x, y)`` points.

    This is what shows that ``t - 1`` shares hide the secret: add the point ``(0, s)`` for any
    candidate secret ``s`` and a polynomial of degree ``t - 1`` through all of them exists.
    """
    if not points:
        raise InvalidInput("interpolation needs at least one point")
    xs = [x for x, _ in points]
    coefficients = [0] * len(points)
    for (_, y), basis in zip(points, _lagrange_basis(xs, modulus), strict=True):
        for k, a in enumerate(basis):
            coefficients[k] = (coefficients[k] + a * y) % modulus
    return PriPoly(tuple(coefficients), modulus)


_S = TypeVar("_S", PriShare, PubShare)


def _first_t_sorted(shares: Sequence[_S], threshold: int) -> list[_S]:
    """kyber's ``xyScalar``: sort by index, keep the first ``threshold``; refuse repeats and too few."""
    if not isinstance(threshold, int) or threshold < 1:
        raise InvalidInput(f"threshold must be a positive integer, got {threshold!r}")
    present = [s for s in shares if s is not None]
    seen: set[int] = set()
    for share in present:
        if not isinstance(share.index, int) or share.index < 0:
            raise InvalidShare(f"share index must be a non-negative integer, got {share.index!r}")
        if share.index in seen:
            raise InvalidShare(f"duplicate share index {share.index}")
        seen.add(share.index)
    if len(present) < threshold:
        raise NotEnoughShares(f"need {threshold} shares, got {len(present)}")
    return sorted(present, key=lambda s: s.index)[:threshold]


def recover_secret(shares: Sequence[PriShare], threshold: int, modulus: int = CURVE_ORDER) -> int:
    """``f(0)`` from any ``threshold`` shares (kyber's ``RecoverSecret``)."""
    chosen = _first_t_sorted(shares, threshold)
    lambdas = lagrange_coefficients([s.index + 1 for s in chosen], modulus)
    return sum(lam * s.value for lam, s in zip(lambdas, chosen, strict=True)) % modulus


def recover_pri_poly(shares: Sequence[PriShare], threshold: int, modulus: int = CURVE_ORDER) -> PriPoly:
    """The whole secret polynomial from ``threshold`` shares (kyber's ``RecoverPriPoly``)."""
    chosen = _first_t_sorted(shares, threshold)
    return interpolate([(s.index + 1, s.value) for s in chosen], modulus)


def recover_commit(group: CurveGroup, shares: Sequence[PubShare], threshold: int) -> Point:
    """``f(0) · G`` from any ``threshold`` public shares: Lagrange in the exponent, one MSM.

    kyber's ``RecoverCommit``; threshold BLS uses it on partial signatures (``f(0) · H(m)``).
    """
    chosen = _first_t_sorted(shares, threshold)
    lambdas = lagrange_coefficients([s.index + 1 for s in chosen], group.order)
    return group.msm([s.value for s in chosen], lambdas)


def recover_pub_poly(group: CurveGroup, shares: Sequence[PubShare], threshold: int) -> PubPoly:
    """All commitments ``a_k · G`` from ``threshold`` public shares (kyber's ``RecoverPubPoly``).

    Coefficient ``k`` is ``Σ_j ℓ_j[k] · Y_j`` where ``ℓ_j`` is the ``j``-th Lagrange basis polynomial.
    """
    chosen = _first_t_sorted(shares, threshold)
    bases = _lagrange_basis([s.index + 1 for s in chosen], group.order)
    points = [s.value for s in chosen]
    commits = tuple(group.msm(points, [basis[k] for basis in bases]) for k in range(threshold))
    return PubPoly(group, commits)


def minimum_threshold(n: int) -> int:
    """drand's default and minimum threshold for ``n`` nodes: a strict majority, ``⌊n/2⌋ + 1``.

    Exactly drand's ``key.MinimumT`` / ``key.DefaultThreshold`` (``common/key/group.go``,
    ``common/key/keys.go``) and kyber's ``dkg.MinimumT`` (``share/dkg/dkg.go``): ``(n >> 1) + 1``.
    A group file whose threshold is below it is rejected when loaded.
    """
    if not isinstance(n, int) or n < 1:
        raise InvalidInput(f"a group needs at least one node, got {n!r}")
    return (n >> 1) + 1
