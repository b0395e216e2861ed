"""Rounds on a timeline: what each round signs (session 2) and when a timelocked round opens (session 8).

Two small explorers with a slider over rounds. Each is also a plain function that draws one state as a
static figure (:func:`plot_round_messages`, :func:`plot_unlock`), so the committed notebook shows a
picture without a kernel, and a test can check that moving the slider changes what is shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..crypto import scheme_by_id


def _utc(unix_time: float) -> str:
    return datetime.fromtimestamp(unix_time, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def round_messages(
    beacons: Sequence[Beacon], round_number: int, genesis_seed: bytes | None = None
) -> dict[str, str]:
    """What round ``round_number`` signs on a chained and on an unchained chain, as short hex.

    ``beacons`` is a chained chain's history: the chained message needs the previous round's signature,
    the unchained one only the round number (so anyone can compute a future round's message). That
    signature is known when round ``r - 1`` is at hand, when round ``r`` itself is (it carries its
    ``previous_signature``), and for round 1, whose "previous signature" is the chain's genesis seed:
    drand's chain starts from a round-0 beacon whose signature is the seed, see
    [`GenesisBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/store.go#L81-L87).
    Pass ``genesis_seed`` (``ChainInfo.genesis_seed``) to have round 1's message.
    """
    chained, unchained = scheme_by_id("pedersen-bls-chained"), scheme_by_id("pedersen-bls-unchained")
    by_round = {b.round: b for b in beacons}
    previous_signature: bytes | None = None
    if round_number - 1 in by_round:
        previous_signature = by_round[round_number - 1].signature
    elif round_number in by_round and by_round[round_number].previous_signature:
        previous_signature = by_round[round_number].previous_signature
    elif round_number == 1 and genesis_seed:
        previous_signature = genesis_seed
    chained_text = (
        chained.digest(round_number, previous_signature).hex()
        if previous_signature is not None
        else f"unknown here: round {round_number - 1}'s signature (part of the message) is not at hand"
    )
    return {
        "chained": chained_text,
        "unchained": unchained.digest(round_number).hex(),
    }


def plot_round_messages(info: ChainInfo, beacons: Sequence[Beacon], round_number: int) -> Figure:
    """The rounds around ``round_number`` on a timeline; arrows show what each chained message depends on."""
    known = {b.round for b in beacons}
    first = max(1, round_number - 3)
    rounds = list(range(first, round_number + 3))
    fig, ax = plt.subplots(figsize=(9.5, 2.8))
    origin = info.time_of_round(round_number)  # times relative to the chosen round: small, readable numbers
    for r in rounds:
        t = info.time_of_round(r) - origin
        colour = "tab:red" if r == round_number else ("tab:blue" if r in known else "lightgray")
        ax.scatter([t], [1], s=140, color=colour, zorder=3)
        ax.annotate(f"#{r}", (t, 1), textcoords="offset points", xytext=(0, 10), ha="center", fontsize=8)
        ax.scatter([t], [0], s=140, color="tab:red" if r == round_number else "tab:green", zorder=3)
        if r - 1 >= first:
            previous_t = info.time_of_round(r - 1) - origin
            ax.annotate("", xy=(t, 1), xytext=(previous_t, 1),
                        arrowprops={"arrowstyle": "->", "color": "tab:blue", "alpha": 0.6})
    times = [info.time_of_round(r) - origin for r in rounds]
    ax.set_xlim(times[0] - info.period / 2, times[-1] + info.period / 2)
    ax.set_ylim(-0.6, 1.7)
    ax.set_yticks([0, 1], ["unchained:\nround number only", "chained:\n+ previous signature"])
    ax.set_xlabel(f"seconds from round {round_number}'s due time")
    ax.set_title(f"what round {round_number} signs")
    for colour, meaning in (("tab:red", f"round {round_number}, the one picked"),
                            ("tab:blue", "chained: beacon at hand"),
                            ("lightgray", "chained: beacon not at hand"),
                            ("tab:green", "unchained: message known")):  # fmt: skip
        ax.scatter([], [], s=80, color=colour, label=meaning)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, borderaxespad=0)  # covers no dot
    fig.subplots_adjust(left=0.2, right=0.7, bottom=0.22)
    return fig


def round_explorer(info: ChainInfo, beacons: Sequence[Beacon], start: int | None = None):
    """A slider over rounds: the round's time, its chained and unchained messages, and the timeline."""
    import ipywidgets as widgets
    from IPython.display import display

    last = max(b.round for b in beacons)
    slider = widgets.IntSlider(value=start or last, min=1, max=last + 5, description="round")
    text = widgets.HTML()
    out = widgets.Output()

    def describe() -> None:
        r = slider.value
        messages = round_messages(beacons, r, info.genesis_seed)
        text.value = (f"<b>round {r}</b> at {_utc(info.time_of_round(r))}<br>"
                      f"chained message: <code>{messages['chained']}</code><br>"
                      f"unchained message: <code>{messages['unchained']}</code>")

    def redraw(_change: object = None) -> None:
        describe()
        out.clear_output(wait=True)
        with out:
            fig = plot_round_messages(info, beacons, slider.value)
            display(fig)
            plt.close(fig)

    slider.observe(redraw, names="value")
    describe()  # the figure appears when the slider moves: building the widget displays nothing
    return widgets.VBox([slider, text, out])


def unlock_status(info: ChainInfo, round_number: int, now: float) -> str:
    """When a message timelocked to ``round_number`` opens, seen from ``now``."""
    opens = info.time_of_round(round_number)
    wait = opens - now
    if wait <= 0:
        return f"round {round_number} was due at {_utc(opens)}: its beacon exists, the message can be opened"
    minutes, seconds = divmod(int(wait), 60)
    hours, minutes = divmod(minutes, 60)
    return (f"round {round_number} is due at {_utc(opens)}: {hours} h {minutes} min {seconds} s from now; "
            "until then nobody (not even the nodes, unless t of them collude) can decrypt")


def plot_unlock(info: ChainInfo, round_number: int, now: float) -> Figure:
    """A timeline from now to the round's time: the wait a timelocked message imposes."""
    current = info.round_at(now)
    opens = info.time_of_round(round_number)
    fig, ax = plt.subplots(figsize=(7.5, 2.2))
    start, end = min(now, opens), max(now, opens)
    span = max(end - start, info.period)
    ax.hlines(0, start - 0.1 * span, end + 0.1 * span, color="lightgray", linewidth=3)
    ax.scatter([now], [0], s=120, color="tab:blue", zorder=3, label=f"now (round {current})")
    ax.scatter([opens], [0], s=120, color="tab:red" if opens > now else "tab:green", zorder=3,
               label=f"round {round_number} opens")
    ax.set_xlim(start - 0.15 * span, end + 0.15 * span)
    ax.set_ylim(-1, 1)
    ax.set_yticks([])
    ax.set_xticks([now, opens], ["now", f"+{(opens - now) / 60:.1f} min" if opens > now else "opened"])
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title(f"timelocked to round {round_number}")
    return fig


UNLOCK_HORIZON = 24 * 3600  # seconds: the unlock slider reaches a day ahead, as session 8's text says


def unlock_explorer(info: ChainInfo, now: float, start: int | None = None, horizon: float = UNLOCK_HORIZON):
    """Pick a round with a slider, from a few rounds ago to ``horizon`` seconds ahead (a day by default);
    see when a message locked to it opens."""
    import ipywidgets as widgets
    from IPython.display import display

    current = info.round_at(now)
    ahead = math.ceil(horizon / info.period) + 1  # a day of 3 s rounds: 28,800 rounds, and the one due next
    slider = widgets.IntSlider(value=start or current + 20, min=max(1, current - 10), max=current + ahead,
                               description="round")
    text = widgets.HTML()
    out = widgets.Output()

    def redraw(_change: object = None) -> None:
        text.value = unlock_status(info, slider.value, now)
        out.clear_output(wait=True)
        with out:
            fig = plot_unlock(info, slider.value, now)
            display(fig)
            plt.close(fig)

    slider.observe(redraw, names="value")
    text.value = unlock_status(info, slider.value, now)  # the figure appears when the slider moves
    return widgets.VBox([slider, text, out])
