"""Plots of node metrics over (virtual) time: who is keeping up, and how late beacons are."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..node.metrics import NodeMetrics


def plot_last_round(
    metrics: Sequence[NodeMetrics], labels: Sequence[str] | None = None, origin: float = 0.0
) -> Figure:
    """``last_beacon_round`` of every node against time: a node falling behind shows as a flat line."""
    fig, ax = plt.subplots(figsize=(7.5, 4.0))
    for position, node in enumerate(metrics):
        times, rounds = node.series("last_beacon_round")
        label = labels[position] if labels else f"node {position}"
        ax.step([t - origin for t in times], rounds, where="post", label=label)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("last_beacon_round")
    ax.set_title("last stored round per node")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_discrepancy(metrics: Sequence[NodeMetrics], bins: int = 20) -> Figure:
    """Histogram of ``beacon_discrepancy_latency`` (ms after the round's due time) over all nodes."""
    values = [v for node in metrics for v in node.series("beacon_discrepancy_latency")[1]]
    fig, ax = plt.subplots(figsize=(7.5, 3.5))
    ax.hist(values, bins=bins, color="tab:purple")
    ax.set_xlabel("beacon_discrepancy_latency (ms)")
    ax.set_ylabel("beacons")
    ax.set_title("how late beacons are stored")
    return fig
