"""Session 8's lottery picture: modulo bias against rejection sampling, counted exactly.

A histogram of a few thousand simulated draws wobbles by about ``2·sqrt(p(1-p)/N)`` — for 7 tickets and
7,000 draws ±0.008 — while one random byte reduced mod 7 is off by only 1/7 − 36/256 ≈ 0.0017: the noise
would hide the bias. So the bars here are exact probabilities, found by running the draw on every possible
input (every byte for ``byte % n``; every first draw of :meth:`~drand_edu.client.BeaconRandom.randbelow`,
whose rejected draws start over), and a simulation, if given, is drawn as dots inside its noise band.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..client.randomness import BeaconRandom


def modulo_shares(n: int, bits: int = 8) -> list[Fraction]:
    """Exact chance of each ticket when a uniform ``bits``-bit number is reduced mod ``n``."""
    counts = [0] * n
    for value in range(1 << bits):
        counts[value % n] += 1
    return [Fraction(c, 1 << bits) for c in counts]


class _Rejected(Exception):
    """Raised by :class:`_OneDraw` when the draw it was given is thrown away (the draw would start over)."""


class _OneDraw(BeaconRandom):
    """A :class:`BeaconRandom` whose first ``getrandbits`` answers a chosen value; a second call rejects."""

    def __init__(self, value: int | None) -> None:
        super().__init__(bytes(32))
        self.value = value
        self.asked: int | None = None

    def getrandbits(self, k: int) -> int:
        if self.asked is not None:
            raise _Rejected
        self.asked = k
        return 0 if self.value is None else self.value


def rejection_shares(n: int) -> list[Fraction]:
    """Exact chance of each outcome of the library's own ``BeaconRandom.randbelow(n)``.

    Every value of its first draw is tried; a rejected draw starts over with fresh bits, so the outcome's
    distribution is that of the accepted first draws.
    """
    probe = _OneDraw(None)
    probe.randbelow(n)
    bits = probe.asked or 0
    counts = [0] * n
    for value in range(1 << bits):
        try:
            counts[_OneDraw(value).randbelow(n)] += 1
        except _Rejected:
            continue
    accepted = sum(counts)
    return [Fraction(c, accepted) for c in counts]


def plot_fairness(tickets: int = 7, simulated: Mapping[int, int] | None = None,
                  names: Sequence[str] | None = None) -> Figure:  # fmt: skip
    """Exact chances per ticket of ``byte % tickets`` and of rejection sampling; ``simulated`` (wins per
    ticket) adds the shares a simulation found, with the ±2σ band such a simulation wobbles in."""
    biased, fair = modulo_shares(tickets), rejection_shares(tickets)
    xs = range(tickets)
    fig, ax = plt.subplots(figsize=(9.0, 3.6))
    ax.bar([x - 0.2 for x in xs], [float(p) for p in biased], width=0.4, color="tab:red",
           label="byte % 7: exact" if tickets == 7 else f"byte % {tickets}: exact")  # fmt: skip
    ax.bar([x + 0.2 for x in xs], [float(p) for p in fair], width=0.4, color="tab:blue",
           label="rejection sampling: exact")  # fmt: skip
    ideal = 1 / tickets
    ax.axhline(ideal, color="black", linestyle="--", linewidth=1, label=f"fair: 1/{tickets}")
    low = min(float(min(biased)), ideal)
    high = max(float(max(biased)), ideal)
    if simulated:
        draws = sum(simulated.values())
        noise = 2 * math.sqrt(ideal * (1 - ideal) / draws)
        ax.axhspan(ideal - noise, ideal + noise, color="gray", alpha=0.15,
                   label=f"±2σ of {draws:,} simulated draws")  # fmt: skip
        shares = [simulated.get(x, 0) / draws for x in xs]
        ax.scatter([x + 0.2 for x in xs], shares, color="black", s=25, zorder=4, label="simulated share")
        low, high = min(low, ideal - noise, *shares), max(high, ideal + noise, *shares)
    margin = (high - low) * 0.15
    ax.set_ylim(low - margin, high + margin)  # zoomed in: the bias is a fraction of a percent
    ax.set_xticks(list(xs), list(names) if names else [str(x) for x in xs], rotation=20 if names else 0)
    ax.set_ylabel("chance of winning")
    ax.set_title(f"{tickets} tickets: exact chances (bars) against a simulation's noise")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, borderaxespad=0)
    fig.subplots_adjust(right=0.7, bottom=0.2)
    return fig
