"""Figures that show something: no blank canvas in the committed notebooks, no axes without data."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from drand_edu.net.sim import TraceEntry
from drand_edu.viz.figure_check import figure_problems
from drand_edu.viz.network import plot_round_flow

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def pngs(path: Path) -> list[tuple[int, bytes]]:
    cells = json.loads(path.read_text())["cells"]
    return [
        (index, base64.b64decode(output["data"]["image/png"]))
        for index, cell in enumerate(cells)
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]


def ink(png: bytes) -> float:
    """Fraction of pixels that differ clearly from the image's background colour."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    background = np.median(pixels.reshape(-1, 3), axis=0)
    return float((np.abs(pixels - background).sum(axis=2) > 60).mean())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_figures_are_not_blank(path: Path):
    for index, png in pngs(path):
        assert ink(png) > 0.01, f"{path.name}, cell {index}: a (near-)blank picture"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_figure_was_drawn_without_data(path: Path):
    """notebook_setup() watches every figure a cell draws; its complaints would be in the saved stderr."""
    cells = json.loads(path.read_text())["cells"]
    complaints = [
        f"cell {index}: {line}"
        for index, cell in enumerate(cells)
        for output in cell.get("outputs", [])
        if output.get("name") == "stderr"
        for line in "".join(output.get("text", "")).splitlines()
        if line.startswith("figure check:")
    ]
    assert not complaints, "\n".join(complaints)


def test_a_figure_drawn_only_with_annotations_is_flagged():
    fig, ax = plt.subplots()
    ax.annotate("", xy=(5, 300), xytext=(1, 100), arrowprops={"arrowstyle": "->"})
    ax.set_title("arrows only")
    assert figure_problems(fig) == ["figure check: 'arrows only' shows no data inside its limits"]
    plt.close(fig)


def test_empty_and_out_of_view_series_are_flagged_and_real_ones_are_not():
    fig, (empty, away, fine) = plt.subplots(1, 3)
    empty.plot([], [])
    away.plot([10, 11], [10, 11])
    away.set_xlim(0, 1)
    fine.bar([1, 2], [3, 4])
    problems = figure_problems(fig)
    assert len(problems) == 2 and all("axes" in p for p in problems), problems
    plt.close(fig)


def test_the_round_flow_figure_shows_its_arrows():
    trace = [TraceEntry(sent=10.0 + i * 0.001, delivered=10.05 + i * 0.002, src=i % 3, dst=(i + 1) % 3,
                        kind="partial", round=3) for i in range(6)]
    fig = plot_round_flow(trace, 3, 3)
    assert figure_problems(fig) == []
    (y_low, y_high) = sorted(fig.axes[0].get_ylim())
    assert y_low <= 0 and y_high >= 50  # every arrow, from 0 ms to its last arrival, is in view
    plt.close(fig)


def legend_labels(fig) -> list[str]:
    return [text.get_text() for ax in fig.axes if ax.get_legend() for text in ax.get_legend().get_texts()]


def test_the_shamir_figure_shows_a_rebuild_from_fewer_than_t_shares_failing():
    from drand_edu.threshold.poly import recover_secret
    from drand_edu.viz.dkg import plot_shamir_toy, toy_shares

    _, shares = toy_shares(42, 5, 3)
    wrong = recover_secret(shares[3:], 2, 97)  # the line through two shares: not the parabola's f(0)
    assert wrong != 42
    fig = plot_shamir_toy(t=3, n=5, secret=42, subset=[3, 4])
    labels = legend_labels(fig)
    assert any("FAILS" in label and str(wrong) in label for label in labels)
    assert figure_problems(fig) == []
    plt.close(fig)
    fig = plot_shamir_toy(t=3, n=5, secret=42)  # t shares: the secret comes back
    assert "rebuilt f(0) = 42" in legend_labels(fig) and not any("FAILS" in x for x in legend_labels(fig))
    plt.close(fig)


def test_the_shamir_explorer_can_pick_fewer_than_t_shares():
    from drand_edu.viz.dkg import shamir_explorer

    ui = shamir_explorer()
    sliders = {w.description: w for box in ui.children[:-1] for w in box.children}
    assert sliders["shares used"].min < sliders["t"].value  # "watch the rebuild fail" needs t - 1 shares
    sliders["shares used"].value = sliders["t"].value - 1  # redraws without raising
    fig = plt.gcf()
    assert any("FAILS" in label for label in legend_labels(fig))
    plt.close("all")


def test_the_round_timeline_has_a_legend_for_its_colours():
    from drand_edu.chain import Beacon, ChainInfo
    from drand_edu.viz.rounds import plot_round_messages

    from .conftest import load_vector

    vector = load_vector("beacons-mainnet-default.json")
    info, beacons = ChainInfo.from_json(vector["info"]), [Beacon.from_json(b) for b in vector["beacons"]]
    fig = plot_round_messages(info, beacons, beacons[-1].round + 1)
    labels = " ".join(legend_labels(fig))
    for meaning in ("picked", "at hand", "not at hand", "unchained"):  # red, blue, gray, green
        assert meaning in labels
    assert figure_problems(fig) == []
    plt.close(fig)


def _boxes_overlap(fig) -> list[str]:
    """Texts drawn on the axes (the kG labels) that touch the legend or one another."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    labels = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts]
    legend = ax.get_legend().get_window_extent(renderer)
    problems = [f"{text} under the legend" for text, box in labels if box.overlaps(legend)]
    for i, (text, box) in enumerate(labels):
        problems += [f"{text} over {other}" for other, box2 in labels[i + 1:] if box.overlaps(box2)]
    return problems


@pytest.mark.parametrize("p, generator, steps", [(53, 0, 8), (53, 0, 60), (101, 3, 40), (11, 0, 20)])
def test_the_toy_curve_labels_are_readable(p: int, generator: int, steps: int):
    from drand_edu.viz.crypto import plot_toy_curve

    fig = plot_toy_curve(p=p, generator_index=generator, steps=steps)
    assert _boxes_overlap(fig) == []
    shown = " ".join(t.get_text() for t in fig.axes[0].texts)
    if (p, steps) == (53, 8):
        assert "7G" in shown  # the default figure of notebook 03 names every multiple
    plt.close(fig)


def test_the_toy_curve_widget_gives_each_slider_its_own_row():
    from drand_edu.viz.crypto import toy_curve_explorer

    ui = toy_curve_explorer()
    sliders = [w for w in ui.children if hasattr(w, "description")]
    assert len(sliders) == 3 and all(w.style.description_width == "initial" for w in sliders)


def test_the_lottery_figure_shows_the_bias_exactly_above_any_noise():
    from fractions import Fraction

    from drand_edu.viz import lottery

    biased, fair = lottery.modulo_shares(7), lottery.rejection_shares(7)
    assert biased == [Fraction(37, 256)] * 4 + [Fraction(36, 256)] * 3  # 256 = 7·36 + 4
    assert fair == [Fraction(1, 7)] * 7  # the library's randbelow, run on every first draw
    assert lottery.rejection_shares(5) == [Fraction(1, 5)] * 5 and len(lottery.rejection_shares(1)) == 1
    fig = lottery.plot_fairness(7, {i: 1000 for i in range(7)})
    heights = [bar.get_height() for bar in fig.axes[0].patches[:14]]
    assert heights[:7] == [float(p) for p in biased] and heights[7:] == [1 / 7] * 7
    bias = max(abs(float(p) - 1 / 7) for p in biased)
    low, high = fig.axes[0].get_ylim()
    assert high - low < 20 * bias  # zoomed in enough that the bias is visible
    assert figure_problems(fig) == []
    plt.close(fig)


def test_notebook_8_plots_exact_chances_not_only_a_noisy_histogram():
    notebook = Path(__file__).resolve().parent.parent / "notebooks/src/08_client_libraries_and_tlock.py"
    source = notebook.read_text()
    assert "plot_fairness(" in source
