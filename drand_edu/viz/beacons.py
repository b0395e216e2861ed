"""Pictures for session 2: how t partial signatures become one, and why t - 1 tell nothing.

Threshold signing is polynomial interpolation. Over a finite field the "curve" through the shares is
not something one can draw, so these figures use the same algebra over ordinary fractions: a secret
polynomial with small integer coefficients, the shares of nodes 0 … n − 1 at x = 1, 2, …, n (node i
holds f(i + 1), as in drand and kyber), and the polynomial
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


def _node_ticks(ax, xs: Sequence[int]) -> None:
    """x ticks that name the node each x belongs to: node ``i`` holds ``f(i + 1)``, x = 0 is the secret."""
    ax.set_xticks(list(xs), [f"{x}\nsecret" if x == 0 else f"{x}\nnode {x - 1}" for x in xs])
    ax.set_xlabel("x — node i holds the share f(i + 1) (drand's index i sits at x = i + 1)")


def plot_lagrange(
    coefficients: Sequence[int] = (7, -3, 1),
    n: int = 5,
    nodes: Sequence[Sequence[int]] = ((0, 1, 2), (1, 3, 4)),
) -> Figure:
    """The secret polynomial, the n shares of nodes 0 … n − 1, and the polynomial rebuilt from two
    different sets of t nodes (``nodes``: node indices, as drand numbers them; node i's share is at
    x = i + 1, so the tick under each share names its node)."""
    t = len(coefficients)
    xs = np.linspace(-0.3, n + 0.5, 200)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.plot(xs, evaluate(coefficients, xs), color="lightgray", linewidth=6, label="secret polynomial f")
    shares = {i: evaluate(coefficients, i + 1) for i in range(n)}  # node index -> f(index + 1)
    ax.scatter(
        [i + 1 for i in shares], list(shares.values()), s=60, color="black", zorder=4,
        label=f"{n} shares f(1)…f({n}) of nodes 0…{n - 1}",
    )  # fmt: skip
    styles = ["tab:blue", "tab:orange", "tab:green"]
    for style, subset in zip(styles, nodes, strict=False):
        points = [(i + 1, Fraction(shares[i])) for i in subset]
        rebuilt = [float(lagrange_through(points, Fraction(x))) for x in xs]
        names = ", ".join(str(i) for i in subset)
        at = ", ".join(str(i + 1) for i in subset)
        ax.plot(xs, rebuilt, "--", color=style, label=f"rebuilt from nodes {names} (x = {at})")
    ax.scatter(
        [0],
        [coefficients[0]],
        s=140,
        marker="*",
        color="tab:red",
        zorder=5,
        label=f"f(0) = {coefficients[0]}: the secret, no node's share",
    )
    ax.axvline(0, color="black", linewidth=0.8)
    _node_ticks(ax, range(n + 1))
    ax.set_ylabel("f(x)")
    ax.set_title(f"any t = {t} nodes' shares rebuild f, and so f(0)")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_fewer_than_t(
    coefficients: Sequence[int] = (7, -3, 1),
    known: Sequence[int] = (1, 3),
    candidates: Sequence[int] = range(-2, 16, 3),
) -> Figure:
    """With t - 1 shares (``known``: node indices; node i's share is f(i + 1)), every candidate secret
    has a polynomial through them: nothing is learned."""
    last_x = max(known) + 1
    xs = np.linspace(0, last_x + 1, 200)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    shares = [(i + 1, Fraction(evaluate(coefficients, i + 1))) for i in known]
    for secret in candidates:
        points = [(0, Fraction(secret)), *shares]
        ax.plot(xs, [float(lagrange_through(points, Fraction(x))) for x in xs], alpha=0.6)
        ax.scatter([0], [secret], s=25, color="tab:red", zorder=4)
    names = ", ".join(str(i) for i in known)
    ax.scatter([x for x, _ in shares], [float(y) for _, y in shares], s=70, color="black", zorder=5,
               label=f"the {len(known)} known shares (nodes {names})")  # fmt: skip
    ax.axvline(0, color="black", linewidth=0.8)
    _node_ticks(ax, range(last_x + 2))
    ax.set_ylabel("f(x)")
    ax.set_title(f"{len(known)} shares, threshold {len(known) + 1}: every secret f(0) is still possible")
    ax.legend(loc="upper left", fontsize=8)
    return fig
