"""Pictures for session 6: the messages of one round, as a sequence diagram from the simulator's trace."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..net.sim import TraceEntry

KIND_COLOURS = {"partial": "tab:blue", "sync": "tab:orange", "beacon": "tab:green"}


def plot_round_flow(trace: Sequence[TraceEntry], round_number: int, n: int, title: str = "") -> Figure:
    """Every message about ``round_number``: an arrow from sender to receiver, from send to arrival time.
    Dropped messages are red crosses at the sender."""
    entries = [e for e in trace if e.round == round_number]
    if not entries:
        raise ValueError(f"no message about round {round_number} in the trace")
    start = min(e.sent for e in entries)
    # arrows drawn with annotate() do not widen the axes' limits: set them from the data
    end = max((e.delivered if e.delivered is not None else e.sent) for e in entries)
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for node in range(n):
        ax.axvline(node, color="gray", linewidth=0.8, zorder=0)
    for entry in entries:
        if entry.delivered is None:
            ax.scatter([entry.src], [(entry.sent - start) * 1000], marker="x", color="tab:red", zorder=3)
            continue
        arrow = {"arrowstyle": "->", "color": KIND_COLOURS.get(entry.kind, "black"), "alpha": 0.5, "lw": 0.9}
        ax.annotate(
            "",
            xy=(entry.dst, (entry.delivered - start) * 1000),
            xytext=(entry.src, (entry.sent - start) * 1000),
            arrowprops=arrow,
        )
    for kind, colour in KIND_COLOURS.items():
        ax.plot([], [], color=colour, label=kind)
    ax.scatter([], [], marker="x", color="tab:red", label="dropped")
    ax.set_xticks(range(n), [f"node {i}" for i in range(n)])
    ax.set_xlim(-0.5, n - 0.5)
    span_ms = max((end - start) * 1000, 1.0)
    ax.set_ylim(span_ms * 1.05, -span_ms * 0.05)  # time runs downwards, as in a sequence diagram
    ax.set_ylabel("ms after the round started")
    ax.set_title(title or f"messages of round {round_number}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)  # beside the plot, never on an arrow
    return fig
