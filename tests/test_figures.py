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
