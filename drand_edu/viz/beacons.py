"""Pictures for session 2: how t partial signatures become one, and why t - 1 tell nothing.

Threshold signing is polynomial interpolation. Over a finite field the "curve" through the shares is
not something one can draw, so these figures use the same algebra over ordinary fractions: a secret
polynomial with small integer coefficients, its shares at x = 1, 2, …, n, and the polynomial
rebuilt from any t of them — exact arithmetic with :class:`fractions.Fraction`, the very formula
(Lagrange's) that recovers the beacon signature in the exponent.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def evaluate(coefficients: Sequence[float], x: float | np.ndarray) -> float | np.ndarray:
    """``a_0 + a_1 x + a_2 x² + …``."""
    return sum(a * x**k for k, a in enumerate(coefficients))


def lagrange_through(points: Sequence[tuple[int, Fraction | int]], x: Fraction | int) -> Fraction:
    """The value at ``x`` of the unique polynomial of degree < len(points) through ``points`` (exact)."""
    total = Fraction(0)
    for j, (xj, yj) in enumerate(points):
        weight = Fraction(1)
        for m, (xm, _) in enumerate(points):
            if m != j:
                weight *= Fraction(x - xm, xj - xm)
        total += weight * yj
    return total


def plot_lagrange(
    coefficients: Sequence[int] = (7, -3, 1),
    n: int = 5,
    subsets: Sequence[Sequence[int]] = ((1, 2, 3), (2, 4, 5)),
) -> Figure:
    """The secret polynomial, its n shares, and the polynomial rebuilt from two different t-subsets."""
    t = len(coefficients)
    xs = np.linspace(0, n + 0.5, 200)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.plot(xs, evaluate(coefficients, xs), color="lightgray", linewidth=6, label="secret polynomial f")
    shares = {x: evaluate(coefficients, x) for x in range(1, n + 1)}
    ax.scatter(
        list(shares), list(shares.values()), s=60, color="black", zorder=4, label=f"{n} shares f(1)…f({n})"
    )
    styles = ["tab:blue", "tab:orange", "tab:green"]
    for style, subset in zip(styles, subsets, strict=False):
        points = [(x, Fraction(shares[x])) for x in subset]
        rebuilt = [float(lagrange_through(points, Fraction(x))) for x in xs]
        ax.plot(xs, rebuilt, "--", color=style, label=f"rebuilt from shares {tuple(subset)}")
    ax.scatter(
        [0],
        [coefficients[0]],
        s=140,
        marker="*",
        color="tab:red",
        zorder=5,
        label=f"f(0) = {coefficients[0]}",
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("x (share number)")
    ax.set_ylabel("f(x)")
    ax.set_title(f"any t = {t} shares rebuild f, and so f(0)")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_fewer_than_t(
    coefficients: Sequence[int] = (7, -3, 1),
    known: Sequence[int] = (2, 4),
    candidates: Sequence[int] = range(-2, 16, 3),
) -> Figure:
    """With t - 1 shares, every candidate secret has a polynomial through them: nothing is learned."""
    xs = np.linspace(0, max(known) + 1, 200)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    shares = [(x, Fraction(evaluate(coefficients, x))) for x in known]
    for secret in candidates:
        points = [(0, Fraction(secret)), *shares]
        ax.plot(xs, [float(lagrange_through(points, Fraction(x))) for x in xs], alpha=0.6)
        ax.scatter([0], [secret], s=25, color="tab:red", zorder=4)
    ax.scatter([x for x, _ in shares], [float(y) for _, y in shares], s=70, color="black", zorder=5,
               label=f"the {len(known)} known shares")  # fmt: skip
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("x (share number)")
    ax.set_ylabel("f(x)")
    ax.set_title(f"{len(known)} shares, threshold {len(known) + 1}: every secret f(0) is still possible")
    ax.legend(loc="upper left", fontsize=8)
    return fig
