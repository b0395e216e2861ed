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
from matplotlib.transforms import blended_transform_factory

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
    """The polynomial's values mod ``prime`` (faint), the n shares, and the secret rebuilt from a subset.

    ``subset`` (share indices, default the last t) may hold fewer than t shares: the line through them is
    then drawn and its value at x = 0 marked as a failed rebuild — with t - 1 points every f(0) fits, so
    interpolating them gives some number that is (almost always) not the secret.
    """
    polynomial, shares = toy_shares(secret, n, t, prime)
    chosen = list(subset) if subset is not None else list(range(n - t, n))
    enough = len(chosen) >= t
    rebuilt = recover_secret([shares[i] for i in chosen], t if enough else len(chosen), prime)
    fig, ax = plt.subplots(figsize=(9.0, 4.2))
    xs = range(prime)
    ax.scatter(xs, [polynomial.evaluate(x) for x in xs], s=6, color="lightgray", label="f(x) mod p, all x")
    ax.scatter([s.index + 1 for s in shares], [s.value for s in shares], s=60, color="black", zorder=3,
               label=f"{n} shares")  # fmt: skip
    used = ", ".join(str(shares[i].index + 1) for i in chosen)  # share index i sits at x = i + 1
    ax.scatter([shares[i].index + 1 for i in chosen], [shares[i].value for i in chosen], s=140,
               facecolors="none", edgecolors="tab:blue", linewidths=2, zorder=4,
               label=f"used to rebuild: x = {used}")  # fmt: skip
    if enough:
        ax.scatter(
            [0], [rebuilt], s=200, marker="*", color="tab:red", zorder=5, label=f"rebuilt f(0) = {rebuilt}"
        )
    else:
        ax.scatter([0], [secret], s=200, marker="*", facecolors="none", edgecolors="tab:red", zorder=5,
                   label=f"the secret f(0) = {secret}")  # fmt: skip
        verdict = "by chance right" if rebuilt == secret else "wrong"
        ax.scatter([0], [rebuilt], s=160, marker="X", color="tab:purple", zorder=6,
                   label=f"rebuild FAILS: {len(chosen)} < t shares give {rebuilt} ({verdict})")  # fmt: skip
    ax.set_xlim(-2, min(prime, 3 * n + 10))
    ax.set_xlabel("x")
    ax.set_ylabel(f"f(x) mod {prime}")
    ax.set_title(f"Shamir on a toy field: t = {t} of n = {n}, secret {secret}, {len(chosen)} shares used")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, borderaxespad=0)  # covers no point
    fig.subplots_adjust(right=0.62)
    return fig


def shamir_explorer():
    """Sliders for t, n, the secret and how many shares are used (fewer than t: watch the rebuild fail);
    the figure is redrawn when one moves (nothing printed at build)."""
    import ipywidgets as widgets
    from IPython.display import clear_output

    t = widgets.IntSlider(3, 1, 8, description="t")
    n = widgets.IntSlider(5, 1, 12, description="n")
    secret = widgets.IntSlider(42, 0, 96, description="secret")
    used = widgets.IntSlider(3, 1, 12, description="shares used")
    output = widgets.Output()

    def redraw(_change: object = None) -> None:
        with output:
            clear_output(wait=True)
            if t.value > n.value:
                print("t cannot exceed n: there would not be enough shares to rebuild the secret")
                return
            if used.value > n.value:
                print(f"only {n.value} shares exist: use at most n of them")
                return
            plot_shamir_toy(t.value, n.value, 97, secret.value, subset=range(n.value - used.value, n.value))
            plt.show()

    for slider in (t, n, secret, used):
        slider.observe(redraw, names="value")
    return widgets.VBox([widgets.HBox([t, n]), widgets.HBox([secret, used]), output])


#: Colours of the bundles that tell the DKG's story, drawn bold over the routine traffic.
COMPLAINT_COLOUR = "tab:red"
MISSING_COLOUR = "tab:red"


def _phase_spans(outcome: DKGOutcome) -> list[tuple[str, int, int]]:
    """``(phase name, start tick, end tick)`` of each phase that ran, even one in which nothing was sent."""
    return [(str(phase), start, end)
            for phase, start, end in outcome.phase_times]  # fmt: skip


def _story_labels(outcome: DKGOutcome) -> dict[int, str]:
    """One label per group of alike bundles that tell the story (complaints, justifications).

    Keyed by the position in the log of the group's first bundle; bundles sent at the same tick with
    the same complaints (or the same fate, for justifications) share one label, so labels do not pile up.
    """
    qual = set(outcome.qual)
    groups: dict[tuple[str, int, object], list[int]] = {}
    for position, event in enumerate(outcome.log):
        if not event.delivered or event.arrival is None or event.note == "bad signature":
            continue
        if event.complaints:
            groups.setdefault(("complaint", event.sent, event.complaints), []).append(position)
        elif event.kind == "justification":
            groups.setdefault(("justification", event.sent, event.author in qual), []).append(position)
    labels = {}
    for (kind, _, detail), positions in groups.items():
        authors = [outcome.log[p].author for p in positions]
        if kind == "complaint":
            who = (
                f"node {authors[0]} complains" if len(authors) == 1 else f"nodes {_listing(authors)} complain"
            )
            labels[positions[0]] = f"{who} about dealer {_listing(list(detail))}"  # type: ignore[call-overload]
        else:
            fate = "kept in QUAL" if detail else "rejected: out of QUAL"
            plural = "s" if len(authors) > 1 else ""
            labels[positions[0]] = f"justification{plural} from {_listing(authors)} ({fate})"
    return labels


def _listing(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def plot_dkg_flow(outcome: DKGOutcome, title: str = "") -> Figure:
    """A sequence diagram of a DKG: each bundle is an arrow from its author to everyone, at its time.

    Time runs down from tick 0 to the tick the DKG ended, with each phase shaded and the signals of
    the one phaser started at kickoff (ticks P, 2P, 3P) as dashed lines: a phase that waits, waits for
    the next of them, not for a fresh timeout. Routine bundles
    (deals, all-success responses) are faint; a response that complains, a justification and a bundle
    that never counted (silent, late, badly signed) are drawn bold and labelled, so the story of a
    faulty run can be read at a glance. Dealers outside QUAL are marked under their column. The legend
    sits outside the axes, so it covers nothing.
    """
    participants = [node.index for node in outcome.nodes]
    fig, ax = plt.subplots(figsize=(8.0, 5.4))
    for x in participants:
        ax.axvline(x, color="gray", linewidth=0.8, zorder=0)
    last = max([outcome.clock, *[e.arrival or e.sent for e in outcome.log]])
    right_margin = blended_transform_factory(ax.transAxes, ax.transData)
    for kind, start, end in _phase_spans(outcome):
        colour = PHASE_COLOURS.get(kind, "gray")
        ax.axhspan(start, max(end, start + 0.2), color=colour, alpha=0.06, zorder=0)
        ax.text(1.01, start, f"{kind} phase", transform=right_margin, fontsize=7, color=colour, va="top")
    qual = set(outcome.qual)
    story_labels = _story_labels(outcome)
    for position, event in enumerate(outcome.log):
        colour = PHASE_COLOURS.get(event.kind, "black")
        counted = event.arrival is not None and event.delivered and event.note != "bad signature"
        if not counted:
            y = event.sent if event.arrival is None else event.arrival
            ax.scatter([event.author], [y], marker="x", s=90, color=MISSING_COLOUR, zorder=5)
            what = f"{event.kind}: {event.note or 'dropped'}"
            left = event.author > (participants[0] + participants[-1]) / 2
            ax.annotate(what, (event.author, y), textcoords="offset points", xytext=(-6 if left else 6, -10),
                        ha="right" if left else "left", fontsize=7, color=MISSING_COLOUR)  # fmt: skip
            continue
        story = story_labels.get(position, "")
        if event.complaints:
            colour = COMPLAINT_COLOUR
        bold = bool(event.complaints) or event.kind == "justification"
        arrow = {
            "arrowstyle": "->",
            "color": colour,
            "alpha": 0.9 if bold else 0.3,
            "lw": 1.6 if bold else 0.8,
        }
        for target in participants:
            if target != event.author:
                start, end = (event.author, event.sent), (target, event.arrival)
                ax.annotate("", xy=end, xytext=start, arrowprops=arrow, zorder=4 if bold else 2)
        if story:  # labels of the right half point left, so they stay inside the axes
            left = event.author > (participants[0] + participants[-1]) / 2 and len(story) < 40
            box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
            style = {"fontsize": 7, "color": colour, "fontweight": "bold", "zorder": 6, "bbox": box}
            ax.annotate(story, (event.author, event.sent), textcoords="offset points",
                        xytext=(-6 if left else 6, 3), ha="right" if left else "left", **style)  # fmt: skip
    period = outcome.phase_timeout
    for k, signal in enumerate(("deal", "response", "justification", "finish")):
        if 0 < k * period <= last:  # the one phaser, started at kickoff: its signal at tick k·P
            ax.axhline(k * period, color="gray", linestyle="--", linewidth=0.8, zorder=1)
            ax.annotate(f"phaser: {signal} at {k * period}", (participants[-1], k * period),
                        textcoords="offset points", xytext=(-4, 3), ha="right", fontsize=7,
                        color="gray")  # fmt: skip
    ax.axhline(outcome.clock, color="black", linestyle=":", linewidth=1)
    ax.annotate(f"done at tick {outcome.clock}", (participants[0], outcome.clock), textcoords="offset points",
                xytext=(4, 4), fontsize=8)  # fmt: skip
    labels = [f"node {i}" + ("" if i in qual or not qual else "\nnot in QUAL") for i in participants]
    ax.set_xticks(participants, labels)
    for label, i in zip(ax.get_xticklabels(), participants, strict=True):
        if qual and i not in qual:
            label.set_color(MISSING_COLOUR)
    ax.set_xlim(participants[0] - 0.4, participants[-1] + 0.4)
    step = 1 if last <= 12 else 2 if last <= 24 else 5
    ax.set_yticks(range(0, last + 1, step))
    ax.set_ylim(last + 0.6, -0.4)  # time goes down; the view starts at tick 0, no negative tick
    ax.set_ylabel(f"time (ticks; one phaser signals at 0, {period}, {2 * period}, {3 * period})")
    members = ", ".join(str(i) for i in outcome.qual)
    ax.set_title(title or f"DKG among {len(participants)} nodes: QUAL = {{{members}}}")
    kinds = {e.kind for e in outcome.log}
    for kind, colour in PHASE_COLOURS.items():
        if kind in kinds:
            ax.plot([], [], color=colour, label=kind)
    if any(e.complaints for e in outcome.log):
        ax.plot([], [], color=COMPLAINT_COLOUR, lw=1.6, label="response with a complaint")
    if any(e.arrival is None or not e.delivered or e.note == "bad signature" for e in outcome.log):
        ax.scatter([], [], marker="x", color=MISSING_COLOUR, label="bundle that did not count")
    handles = ax.get_legend_handles_labels()[0]
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=min(len(handles), 3), fontsize=8,
              frameon=False)  # fmt: skip
    fig.subplots_adjust(left=0.09, right=0.86, top=0.92, bottom=0.25)
    return fig
