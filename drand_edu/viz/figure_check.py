"""A figure that shows nothing is a bug: find axes whose data lies outside their limits, or that have none.

A classic way to draw a blank chart is to draw only with ``annotate`` (arrows do not widen an axes'
limits) or to plot an empty series: the picture has axes, ticks, a title and a legend, and no data.
:func:`figure_problems` looks at each axes of a matplotlib figure and says which ones show no mark inside
their view limits. :func:`watch_figures` runs it on every figure a notebook cell draws, and writes what it
finds to stderr, where nbval (which compares stderr) and the course's tests notice it.
"""

from __future__ import annotations

import sys

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def _inside(ax: Axes, xs: np.ndarray, ys: np.ndarray) -> bool:
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    xs, ys = np.asarray(xs, dtype=float).ravel(), np.asarray(ys, dtype=float).ravel()
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    return bool(np.any((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)))


def _shows_data(ax: Axes) -> bool:
    """True when at least one mark drawn in data coordinates falls inside the axes' view limits."""
    for line in ax.lines:
        x, y = line.get_data()
        if line.get_visible() and len(x) and _inside(ax, x, y):
            return True
    for collection in ax.collections:
        offsets = collection.get_offsets()
        if collection.get_visible() and len(offsets) and _inside(ax, offsets[:, 0], offsets[:, 1]):
            return True
        for path in collection.get_paths():
            if len(path.vertices) and _inside(ax, path.vertices[:, 0], path.vertices[:, 1]):
                return True
    for patch in ax.patches:
        if not patch.get_visible():
            continue
        corners = patch.get_path().transformed(patch.get_patch_transform()).vertices
        if patch.get_transform().contains_branch(ax.transData) and len(corners):
            if _inside(ax, corners[:, 0], corners[:, 1]):
                return True
    for text in ax.texts:
        if text.get_visible() and text.get_transform() == ax.transData:
            x, y = text.get_position()
            if _inside(ax, np.array([x]), np.array([y])):
                return True
        xy = getattr(text, "xy", None)  # an annotation's arrow head
        if xy is not None and getattr(text, "xycoords", None) == "data":
            if _inside(ax, np.array([xy[0]]), np.array([xy[1]])):
                return True
    return bool(ax.images)


def figure_problems(fig: Figure) -> list[str]:
    """One line per axes of ``fig`` that shows no data inside its limits (empty list: the figure is fine)."""
    problems = []
    for index, ax in enumerate(fig.axes):
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        if not _shows_data(ax):
            name = ax.get_title() or f"axes {index}"
            problems.append(f"figure check: '{name}' shows no data inside its limits")
    return problems


def watch_figures() -> None:
    """In IPython: after every cell, check the figures it drew (before the inline backend shows them)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - only in notebooks
        return
    shell = get_ipython()
    if shell is None:
        return
    callbacks = shell.events.callbacks["post_execute"]
    if any(getattr(c, "__name__", "") == "_check_open_figures" for c in callbacks):
        return  # the setup cell was run again: one watcher is enough
    callbacks.insert(0, _check_open_figures)  # before matplotlib-inline's flush closes the figures


def _check_open_figures() -> None:
    import matplotlib.pyplot as plt

    for number in plt.get_fignums():
        for problem in figure_problems(plt.figure(number)):
            print(problem, file=sys.stderr)
