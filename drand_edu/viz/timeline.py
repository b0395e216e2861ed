"""The picture of session 1: the DKG and the first rounds of real node processes, on one time axis.

The data come from the running processes themselves, as an operator reads them: each node's DKG log
(``drand-edu dkg status --format json``: one line per step, stamped with the node's clock to a tenth of a
second) and its own output (``node.log``), where ``drand-edu start`` writes one ``NEW_BEACON_STORED`` line
per stored beacon with the Unix time, as drand's ``discrepancyStore.Put`` logs each beacon it stores.
Times are drawn relative to the first DKG step, so two runs give the same picture up to a few tenths of a
second; only the summary text (:func:`timeline_facts`) is printed, and it says nothing that varies.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.patches import Patch

#: the DKG statuses a node goes through, in order, with the log line that starts each (drand's state
#: machine: Proposing/Proposed, Joined, Executing, Complete; a leader proposes and does not join)
DKG_STEPS: tuple[tuple[str, str], ...] = (
    ("proposed", r"^(proposed epoch|received a proposal)"),
    ("joined", r"^joined$"),
    ("executing", r"^executing epoch"),
    ("complete", r"^complete"),
)
STEP_COLOURS = {"proposed": "tab:orange", "joined": "tab:purple", "executing": "tab:red",
                "complete": "tab:green"}  # fmt: skip
_STAMP = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d) (.*)$")
_STORED = re.compile(r"^NEW_BEACON_STORED round (\d+) at (\d+(?:\.\d+)?)\b")


@dataclass(frozen=True)
class NodeTimeline:
    """One node's story: when it reached each DKG status and when it stored each round (Unix times)."""

    name: str
    dkg: tuple[tuple[float, str], ...]
    rounds: tuple[tuple[int, float], ...]


def _unix_time(clock: float, near: float) -> float:
    """The Unix time closest to ``near`` whose local wall clock reads ``clock`` (seconds since midnight)."""
    local = time.localtime(near)
    midnight = near - (local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec + near % 1)
    candidate = midnight + clock
    return min((candidate + day * 86400 for day in (-1, 0, 1)), key=lambda t: abs(t - near))


def parse_dkg_log(lines: Iterable[str], near: float) -> list[tuple[float, str]]:
    """``(Unix time, DKG status)`` for each line of a node's DKG log that starts a status of
    :data:`DKG_STEPS` (the log stamps ``HH:MM:SS.d`` local time; ``near`` is any time within hours)."""
    steps = []
    for line in lines:
        stamp = _STAMP.match(line)
        if stamp is None:
            continue
        hours, minutes, seconds, tenth, text = stamp.groups()
        clock = int(hours) * 3600 + int(minutes) * 60 + int(seconds) + int(tenth) / 10
        for status, pattern in DKG_STEPS:
            if re.search(pattern, text):
                steps.append((_unix_time(clock, near), status))
    return steps


def parse_node_log(text: str, since: float = 0.0) -> list[tuple[int, float]]:
    """``(round, Unix time stored)`` from a node's output, the first storing of each round at or after
    ``since`` (a log kept across restarts also holds an earlier chain's rounds)."""
    first: dict[int, float] = {}
    for line in text.splitlines():
        stored = _STORED.match(line)
        if stored is not None and float(stored.group(2)) >= since:
            first.setdefault(int(stored.group(1)), float(stored.group(2)))
    return sorted(first.items())


def node_timeline(name: str, dkg_log: Iterable[str], node_log: str, genesis_time: float) -> NodeTimeline:
    """A node's :class:`NodeTimeline` from its DKG log lines and its ``node.log`` text: rounds stored
    before this chain's genesis (a chain of an earlier DKG) are left out."""
    return NodeTimeline(
        name, tuple(parse_dkg_log(dkg_log, genesis_time)), tuple(parse_node_log(node_log, genesis_time - 0.5))
    )


def _origin(timelines: Sequence[NodeTimeline], genesis_time: float) -> float:
    """Time zero of the picture: the first DKG step of any node (the genesis time if none was logged)."""
    return min((t for tl in timelines for t, _ in tl.dkg), default=genesis_time)


def timeline_facts(
    timelines: Sequence[NodeTimeline], genesis_time: float, period: int, rounds: int = 3
) -> list[str]:
    """What the figure shows, in sentences that hold on every good run (nothing timed): printed under it."""
    facts = []
    for tl in timelines:
        statuses = [status for _, status in tl.dkg]
        stored = [r for r, _ in tl.rounds]
        order = statuses[:1] == ["proposed"] and statuses[-1:] == ["complete"]
        complete = max((t for t, status in tl.dkg if status == "complete"), default=float("inf"))
        after_dkg = all(t >= complete - 0.1 for _, t in tl.rounds)  # the log's stamps are to a tenth
        on_time = all(t >= genesis_time + (r - 1) * period - 0.5 for r, t in tl.rounds)
        facts.append(
            f"{tl.name}: DKG proposed → complete in order: {order}; "
            f"rounds 1..{rounds} stored: {stored[:rounds] == list(range(1, rounds + 1))}; "
            f"none before the DKG ended: {after_dkg}; none before its time: {on_time}"
        )
    return facts


def plot_session_timeline(
    timelines: Sequence[NodeTimeline],
    genesis_time: float,
    period: int,
    *,
    node: int | None = None,
    window: tuple[float, float] | None = None,
    title: str | None = None,
):
    """One lane per node: its DKG statuses as coloured bars (from the step that starts each to the next),
    then each round it stored as a dot labelled with the round number; dashed lines mark genesis and
    each round's time (genesis + (r - 1)·period). The x axis is seconds since the first DKG step.
    ``node`` keeps one lane; ``window`` is the x range shown (seconds)."""
    origin = _origin(timelines, genesis_time)
    lanes = [(i, tl) for i, tl in enumerate(timelines) if node is None or i == node]
    ends = [t for _, tl in lanes for t in [*(t for t, _ in tl.dkg), *(t for _, t in tl.rounds)]]
    last = max([genesis_time, *ends]) - origin
    fig, ax = plt.subplots(figsize=(10.0, max(2.8, 1.6 + 0.7 * len(lanes))))
    steps_shown = [Patch(color=colour, label=f"DKG: {status}") for status, colour in STEP_COLOURS.items()
                   if any(status == step for _, tl in lanes for _, step in tl.dkg)]  # fmt: skip
    seen: set[str] = set()
    for y, (_, tl) in enumerate(lanes):
        steps = list(tl.dkg)
        drawn_to = -float("inf")
        for k, (start, status) in enumerate(steps):
            end = steps[k + 1][0] if k + 1 < len(steps) else start
            left = max(start - origin, drawn_to)  # steps a tenth of a second apart: side by side
            width = max(end - origin - left, 0.2)  # a step shorter than the log's tenth stays visible
            ax.barh(y, width, left=left, height=0.5, color=STEP_COLOURS[status])
            drawn_to = left + width
        if steps and steps[-1][1] == "complete":  # holding its share until round 1 is due
            until = tl.rounds[0][1] if tl.rounds else genesis_time
            if until - origin > drawn_to:
                label = "share held, waiting for genesis" if "wait" not in seen else None
                seen.add("wait")
                ax.barh(y, until - origin - drawn_to, left=drawn_to, height=0.2,
                        color=STEP_COLOURS["complete"], alpha=0.3, label=label)  # fmt: skip
        if tl.rounds:
            xs = [t - origin for _, t in tl.rounds]
            label = "round stored" if "round" not in seen else None
            seen.add("round")
            ax.scatter(xs, [y] * len(xs), s=36, color="tab:blue", zorder=3, label=label)
            for (r, _), x in zip(tl.rounds, xs, strict=True):
                ax.annotate(str(r), (x, y), textcoords="offset points", xytext=(0, 7), ha="center",
                            fontsize=7)  # fmt: skip
    genesis = genesis_time - origin
    ax.axvline(genesis, color="black", linestyle="--", linewidth=1, label="genesis (round 1 due)")
    rounds_due = [genesis_time + r * period - origin for r in range(1, int(last // period) + 2)]
    for x in rounds_due:
        if x <= last + period:
            ax.axvline(x, color="gray", linestyle=":", linewidth=0.8)
    ax.plot([], [], color="gray", linestyle=":", label=f"next rounds due (every {period} s)")
    ax.set_yticks(range(len(lanes)), [tl.name for _, tl in lanes])
    ax.set_ylim(len(lanes) - 0.4, -0.6)
    low, high = window if window is not None else (-0.5, last + 0.5)
    ax.set_xlim(low, high)
    ax.set_xlabel("seconds since the DKG's first step (each node's own clock, this machine)")
    ax.set_title(title or "The DKG, then the first rounds, of the real node processes")
    handles = [*steps_shown, *ax.get_legend_handles_labels()[0]]  # in the order of the story
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.subplots_adjust(left=0.08, right=0.74, bottom=0.2 if len(lanes) > 1 else 0.35, top=0.88)
    return fig


def timeline_explorer(timelines: Sequence[NodeTimeline], genesis_time: float, period: int):
    """A node picker and a time-window slider over :func:`plot_session_timeline` (the figure above it
    in the notebook is the default state: every node, the whole run); redrawn when one moves."""
    import ipywidgets as widgets
    from IPython.display import clear_output

    origin = _origin(timelines, genesis_time)
    ends = [t for tl in timelines for t in [*(t for t, _ in tl.dkg), *(t for _, t in tl.rounds)]]
    last = max([genesis_time, *ends]) - origin
    choice = widgets.Dropdown(options=[("every node", -1)] + [(tl.name, i) for i, tl in enumerate(timelines)],
                              value=-1, description="node")  # fmt: skip
    window = widgets.FloatRangeSlider(value=(-0.5, last + 0.5), min=-0.5, max=last + 0.5, step=0.1,
                                      description="seconds", readout_format=".1f",
                                      layout=widgets.Layout(width="90%"))  # fmt: skip
    output = widgets.Output()

    def redraw(_change: object = None) -> None:
        with output:
            clear_output(wait=True)
            picked = None if choice.value == -1 else choice.value
            plot_session_timeline(timelines, genesis_time, period, node=picked, window=tuple(window.value))
            plt.show()

    for control in (choice, window):
        control.observe(redraw, names="value")
    return widgets.VBox([choice, window, output])
