"""Pictures for session 4: Shamir sharing on a toy field, and the message flow of a DKG.

* :func:`plot_shamir_toy` — a secret polynomial over the integers mod a small prime: its n shares, the
  secret at x = 0, and the same secret rebuilt from one t-subset. :func:`shamir_explorer` adds sliders.
* :func:`plot_dkg_flow` — a sequence diagram of a DKG run by :func:`drand_edu.threshold.dkg.run_dkg`:
  one column per participant, time going down, one arrow per broadcast bundle, coloured by phase.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..rng import Rng, seeded_rng
from ..threshold.dkg import DKGOutcome
from ..threshold.poly import PriPoly, PriShare, recover_secret

PHASE_COLOURS = {"deal": "tab:blue", "response": "tab:orange", "justification": "tab:green"}


def toy_shares(
    secret: int, n: int, t: int, prime: int = 97, rng: Rng | None = None
) -> tuple[PriPoly, list[PriShare]]:
    """A degree t-1 polynomial mod ``prime`` with ``f(0) = secret``, and its shares 0..n-1 (x = 1..n)."""
    polynomial = PriPoly.random(t, secret=secret, rng=rng or seeded_rng(1), modulus=prime)
    return polynomial, polynomial.shares(n)


def plot_shamir_toy(
    t: int = 3, n: int = 5, prime: int = 97, secret: int = 42, subset: Sequence[int] | None = None
) -> Figure:
    """The polynomial's values mod ``prime`` (faint), the n shares, and the secret rebuilt from t of them."""
    polynomial, shares = toy_shares(secret, n, t, prime)
    chosen = list(subset) if subset is not None else list(range(n - t, n))
    rebuilt = recover_secret([shares[i] for i in chosen], t, prime)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    xs = range(prime)
    ax.scatter(xs, [polynomial.evaluate(x) for x in xs], s=6, color="lightgray", label="f(x) mod p, all x")
    ax.scatter([s.index + 1 for s in shares], [s.value for s in shares], s=60, color="black", zorder=3,
               label=f"{n} shares")  # fmt: skip
    ax.scatter([shares[i].index + 1 for i in chosen], [shares[i].value for i in chosen], s=140,
               facecolors="none", edgecolors="tab:blue", linewidths=2, zorder=4,
               label=f"used to rebuild: shares {chosen}")  # fmt: skip
    ax.scatter(
        [0], [rebuilt], s=200, marker="*", color="tab:red", zorder=5, label=f"rebuilt f(0) = {rebuilt}"
    )
    ax.set_xlim(-2, min(prime, 3 * n + 10))
    ax.set_xlabel("x")
    ax.set_ylabel(f"f(x) mod {prime}")
    ax.set_title(f"Shamir on a toy field: t = {t} of n = {n}, secret {secret}")
    ax.legend(loc="upper right", fontsize=8)
    return fig


def shamir_explorer():  # pragma: no cover - interactive
    """Sliders for t, n and the secret; the figure is redrawn when one moves (nothing printed at build)."""
    import ipywidgets as widgets
    from IPython.display import clear_output

    t = widgets.IntSlider(3, 1, 8, description="t")
    n = widgets.IntSlider(5, 1, 12, description="n")
    secret = widgets.IntSlider(42, 0, 96, description="secret")
    output = widgets.Output()

    def redraw(_change: object = None) -> None:
        with output:
            clear_output(wait=True)
            if t.value > n.value:
                print("t cannot exceed n: there would not be enough shares to rebuild the secret")
                return
            plot_shamir_toy(t.value, n.value, 97, secret.value)
            plt.show()

    for slider in (t, n, secret):
        slider.observe(redraw, names="value")
    return widgets.VBox([widgets.HBox([t, n, secret]), output])


def plot_dkg_flow(outcome: DKGOutcome, title: str = "") -> Figure:
    """A sequence diagram of a DKG: each bundle is an arrow from its author to everyone, at its time."""
    participants = [node.index for node in outcome.nodes]
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    for x in participants:
        ax.axvline(x, color="gray", linewidth=0.8, zorder=0)
    bottom = max([outcome.clock, *[e.arrival or e.sent for e in outcome.log]]) + 1
    for event in outcome.log:
        colour = PHASE_COLOURS.get(event.kind, "black")
        if event.arrival is None or not event.delivered:
            ax.scatter([event.author], [event.sent], marker="x", s=80, color="tab:red", zorder=4)
            ax.annotate(event.note or "dropped", (event.author, event.sent), textcoords="offset points",
                        xytext=(6, -10), fontsize=7, color="tab:red")  # fmt: skip
            continue
        arrow = {"arrowstyle": "->", "color": colour, "alpha": 0.35, "lw": 0.8}
        for target in participants:
            if target != event.author:
                start, end = (event.author, event.sent), (target, event.arrival)
                ax.annotate("", xy=end, xytext=start, arrowprops=arrow)
    for kind, colour in PHASE_COLOURS.items():
        ax.plot([], [], color=colour, label=kind)
    ax.axhline(outcome.clock, color="black", linestyle=":", linewidth=1)
    ax.annotate(f"done at tick {outcome.clock}", (participants[0], outcome.clock), textcoords="offset points",
                xytext=(4, -10), fontsize=8)  # fmt: skip
    ax.set_xticks(participants, [f"node {i}" for i in participants])
    ax.set_ylim(bottom, -1)
    ax.set_ylabel("time (ticks; a phase lasts at most 10)")
    qual = ", ".join(str(i) for i in outcome.qual)
    ax.set_title(title or f"DKG among {len(participants)} nodes: QUAL = {{{qual}}}")
    ax.legend(loc="lower right", fontsize=8)
    return fig
