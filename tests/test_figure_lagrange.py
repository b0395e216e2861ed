"""Session 2's Lagrange figures label x as drand numbers nodes: node i holds f(i + 1), x = 0 is the secret.

The figures once called x the "share number" and named subsets by x, while the notebook's cells next to
them recover from "nodes 1, 3, 4" (x = 2, 4, 5): the same shares under two numberings. Each share's tick
now names its node, and each legend entry names nodes and their x, so both read the same as the code.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from drand_edu.viz.beacons import plot_fewer_than_t, plot_lagrange
from drand_edu.viz.figure_check import figure_problems


def _ticks(ax) -> dict[float, str]:
    return {tick: label.get_text() for tick, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)}


def _legend(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def _share_points(ax) -> list[tuple[float, float]]:
    """The black dots: the shares (offsets of the scatter collections drawn in black)."""
    out = []
    for collection in ax.collections:
        if tuple(collection.get_facecolor()[0][:3]) == (0.0, 0.0, 0.0):
            out.extend((float(x), float(y)) for x, y in collection.get_offsets())
    return out


@pytest.mark.parametrize("n", [3, 5, 7])
def test_every_share_tick_names_the_node_that_holds_it(n: int) -> None:
    fig = plot_lagrange(n=n, nodes=((0, 1, 2), (n - 3, n - 2, n - 1)))
    ax = fig.axes[0]
    ticks = _ticks(ax)
    assert ticks[0] == "0\nsecret"
    for x, _ in _share_points(ax):
        assert ticks[x] == f"{int(x)}\nnode {int(x) - 1}"  # the dot at x = i + 1 is node i's
    assert sorted(int(x) for x, _ in _share_points(ax)) == list(range(1, n + 1))
    assert "share number" not in ax.get_xlabel() and "x = i + 1" in ax.get_xlabel()
    assert figure_problems(fig) == []
    plt.close(fig)


def test_the_legend_names_the_nodes_and_their_x_as_the_notebook_does() -> None:
    fig = plot_lagrange(coefficients=(7, -3, 1), n=5, nodes=((0, 1, 2), (1, 3, 4)))
    labels = _legend(fig.axes[0])
    assert "rebuilt from nodes 0, 1, 2 (x = 1, 2, 3)" in labels
    assert "rebuilt from nodes 1, 3, 4 (x = 2, 4, 5)" in labels
    for label in labels:  # every "nodes a, b, c (x = ...)" pairs node i with x = i + 1
        if match := re.search(r"nodes ([\d, ]+) \(x = ([\d, ]+)\)", label):
            nodes = [int(v) for v in match[1].split(",")]
            xs = [int(v) for v in match[2].split(",")]
            assert xs == [i + 1 for i in nodes], label
    plt.close(fig)


def test_the_rebuilt_curves_pass_through_the_named_nodes_shares() -> None:
    """A curve labelled with nodes 1, 3, 4 goes through f(2), f(4), f(5) and hits f(0) = 7."""
    coefficients = (7, -3, 1)
    fig = plot_lagrange(coefficients=coefficients, n=5, nodes=((1, 3, 4),))
    ax = fig.axes[0]
    (curve,) = [line for line in ax.get_lines() if line.get_label().startswith("rebuilt")]
    xs, ys = curve.get_xdata(), curve.get_ydata()
    for node in (1, 3, 4):
        x = node + 1
        nearest = min(range(len(xs)), key=lambda k: abs(xs[k] - x))
        f = sum(a * xs[nearest] ** k for k, a in enumerate(coefficients))
        assert abs(ys[nearest] - f) < 1e-6
    at_zero = min(range(len(xs)), key=lambda k: abs(xs[k]))
    assert abs(ys[at_zero] - sum(a * xs[at_zero] ** k for k, a in enumerate(coefficients))) < 1e-6
    plt.close(fig)


def test_the_fewer_than_t_figure_names_its_known_nodes() -> None:
    fig = plot_fewer_than_t(coefficients=(7, -3, 1), known=(1, 3))
    ax = fig.axes[0]
    assert "the 2 known shares (nodes 1, 3)" in _legend(ax)
    ticks = _ticks(ax)
    assert sorted(int(x) for x, _ in _share_points(ax)) == [2, 4]
    assert ticks[2] == "2\nnode 1" and ticks[4] == "4\nnode 3" and ticks[0] == "0\nsecret"
    assert figure_problems(fig) == []
    plt.close(fig)
