"""Pictures for session 3: a toy elliptic curve small enough to draw, and its group law.

BLS12-381's curve is ``y² = x³ + 4`` over a 381-bit prime field: far too big to see. The same
equation over a small prime ``p`` gives a handful of points that fit on a plot and obey the same
rules: every line through two points meets a third, and "adding" points is reading that off.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

Point = tuple[int, int] | None  # None is the point at infinity


def toy_curve_points(p: int, b: int = 4) -> list[tuple[int, int]]:
    """Every affine point of ``y² = x³ + b`` over the integers mod the prime ``p``."""
    squares: dict[int, list[int]] = {}
    for y in range(p):
        squares.setdefault(y * y % p, []).append(y)
    return [(x, y) for x in range(p) for y in squares.get((x**3 + b) % p, [])]


def toy_add(first: Point, second: Point, p: int) -> Point:
    """The chord-and-tangent group law on ``y² = x³ + b`` mod ``p`` (b does not appear in it)."""
    if first is None:
        return second
    if second is None:
        return first
    (x1, y1), (x2, y2) = first, second
    if x1 == x2 and (y1 + y2) % p == 0:
        return None  # P + (-P) = the point at infinity
    if first == second:
        slope = 3 * x1 * x1 * pow(2 * y1, -1, p) % p
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, p) % p
    x3 = (slope * slope - x1 - x2) % p
    return x3, (slope * (x1 - x3) - y1) % p


def toy_multiply(point: Point, k: int, p: int) -> Point:
    """``k·P`` by double-and-add (the same loop every real implementation uses, on huge numbers)."""
    result: Point = None
    addend = point
    while k:
        if k & 1:
            result = toy_add(result, addend, p)
        addend = toy_add(addend, addend, p)
        k >>= 1
    return result


def toy_order(point: Point, p: int) -> int:
    """The smallest ``k ≥ 1`` with ``k·P = ∞``."""
    k, current = 1, point
    while current is not None:
        current = toy_add(current, point, p)
        k += 1
    return k


def toy_generators(p: int, b: int = 4) -> list[tuple[int, int]]:
    """The curve's points, those of the largest order first (good choices for G)."""
    points = toy_curve_points(p, b)
    return sorted(points, key=lambda point: (-toy_order(point, p), point))


def plot_toy_curve(p: int = 53, b: int = 4, generator_index: int = 0, steps: int = 8) -> Figure:
    """The points of the toy curve, with ``G, 2G, 3G, …`` marked: scalar multiplication hops around.

    ``generator_index`` picks G among :func:`toy_generators` (0: a point of the largest order).
    """
    points = toy_curve_points(p, b)
    fig, ax = plt.subplots(figsize=(8.5, 5.5))
    ax.scatter([x for x, _ in points], [y for _, y in points], s=18, color="lightgray", label="curve points")
    g = toy_generators(p, b)[generator_index % len(points)]
    multiples = [toy_multiply(g, k, p) for k in range(1, steps + 1)]
    shown = [m for m in multiples if m is not None]
    ax.plot([x for x, _ in shown], [y for _, y in shown], color="tab:blue", alpha=0.35)
    names: dict[tuple[int, int], list[str]] = {}  # once G's order is passed, multiples land on old points
    for k, m in enumerate(multiples, start=1):
        if m is not None:
            names.setdefault(m, []).append(f"{k}G" if k > 1 else "G")
    ax.scatter([x for x, _ in names], [y for _, y in names], s=60, color="tab:blue", zorder=3,
               label=f"G, 2G, …, {steps}G")  # fmt: skip
    ax.set_xlim(-1, p)
    ax.set_ylim(-1, p)
    ax.set_xlabel("x (mod p)")
    ax.set_ylabel("y (mod p)")
    ax.set_title(
        f"y² = x³ + {b} mod {p}: {len(points) + 1} points (with ∞); G = {g} has order {toy_order(g, p)}"
    )
    # beside the axes, so it hides no point and no label
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, borderaxespad=0)
    fig.subplots_adjust(left=0.09, right=0.74)
    _label_without_overlap(fig, ax, names)
    return fig


def _label_without_overlap(fig: Figure, ax: Axes, names: dict[tuple[int, int], list[str]]) -> None:
    """One label per point ("G, 8G" when multiples meet); a label that would cover another is left out."""
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend()
    placed = [legend.get_window_extent(renderer)] if legend is not None else []
    for point, labels in names.items():
        text = ", ".join(labels) if len(labels) <= 2 else f"{labels[0]}, {labels[1]}, …"
        label = ax.annotate(text, point, textcoords="offset points", xytext=(5, 5), fontsize=9)
        box = label.get_window_extent(renderer)
        if any(box.overlaps(other) for other in placed):
            label.remove()
        else:
            placed.append(box)


def toy_curve_explorer():
    """Sliders for the prime, the generator and the number of multiples.

    The figure is drawn when a slider moves (the static figure above shows the default state), so
    that building the widget prints nothing — the notebook tests compare every output.
    """
    import ipywidgets as widgets
    from IPython.display import clear_output

    primes = [p for p in range(11, 200) if all(p % d for d in range(2, int(p**0.5) + 1))]
    prime = widgets.SelectionSlider(options=primes, value=53, description="prime p")
    generator_index = widgets.IntSlider(0, 0, 40, description="which G")
    steps = widgets.IntSlider(8, 1, 60, description="multiples")
    for slider in (prime, generator_index, steps):  # the whole description shows, beside its own slider
        slider.style = {"description_width": "initial"}
    output = widgets.Output()

    def redraw(_change: object = None) -> None:
        with output:
            clear_output(wait=True)
            plot_toy_curve(prime.value, 4, generator_index.value, steps.value)
            plt.show()

    for slider in (prime, generator_index, steps):
        slider.observe(redraw, names="value")
    return widgets.VBox([prime, generator_index, steps, output])
