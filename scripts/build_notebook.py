"""Build a course notebook from its jupytext source and execute it, so outputs are committed.

    python scripts/build_notebook.py notebooks/src/03_crypto_primitives.py [more sources...]

For each source ``notebooks/src/NN_name.py`` (jupytext "percent" format) this writes
``notebooks/NN_name.ipynb`` with:

* slide metadata set the same way everywhere (``#``/``##`` headings start a slide, ``###`` a
  sub-slide, instructor cells are speaker notes, solutions are skipped, everything else continues
  the current one);
* cells tagged ``solution`` collapsed (``jupyter.source_hidden``), and so are the answers under the
  "Try it" prompts (markdown cells tagged ``try-answer``, speaker notes on the slides); cells starting with
  ``# NBVAL_RAISES_EXCEPTION`` tagged ``raises-exception`` (Run All goes on past them);
* every code cell executed in order in ``notebooks/`` (execution counts 1..n), and the time of the
  slowest cells printed, so the 10 s per cell / 60 s per notebook budget is visible.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def slide_type(cell: nbformat.NotebookNode) -> str:
    tags = cell.metadata.get("tags", [])
    if "instructor" in tags:
        return "notes"  # speaker notes in RISE / reveal.js, not on the slide
    if "solution" in tags:
        return "skip"
    if "try-answer" in tags:
        return "notes"  # the presenter sees the answer; the room works it out first
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
    return "-"


def stable_id(index: int, cell: nbformat.NotebookNode) -> str:
    """A cell id that depends only on the cell's place and text, so rebuilding changes no id."""
    digest = hashlib.sha1(cell.source.encode()).hexdigest()[:8]
    return f"c{index:03d}-{digest}"


def prepare(nb: nbformat.NotebookNode) -> None:
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata.pop("jupytext", None)
    for index, cell in enumerate(nb.cells):
        cell.id = stable_id(index, cell)
        cell.metadata.setdefault("slideshow", {})["slide_type"] = slide_type(cell)
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and cell.source.lstrip().startswith("# NBVAL_RAISES_EXCEPTION"):
            # so that JupyterLab's "Run All" (and nbclient here) goes on past the demonstrated error
            if "raises-exception" not in tags:
                tags = [*tags, "raises-exception"]
                cell.metadata["tags"] = tags
        if "solution" in tags or "try-answer" in tags:
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


def build(source: Path) -> Path:
    # builds run offline, like the tests: a League of Entropy cell shows its recorded beacons
    os.environ.setdefault("DRAND_EDU_OFFLINE", "1")
    nb = jupytext.read(source)
    prepare(nb)
    target = NOTEBOOKS / (source.stem + ".ipynb")
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}},
        allow_errors=False, record_timing=False,  # no timestamps: a rebuild changes only what changed
    )
    timings: list[tuple[float, int]] = []
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            t0 = time.perf_counter()
            client.execute_cell(cell, index)
            timings.append((time.perf_counter() - t0, index))
    total = time.perf_counter() - start
    nbformat.write(nb, target)
    slowest = ", ".join(f"cell {i}: {t:.1f}s" for t, i in sorted(timings, reverse=True)[:3])
    print(f"{target.relative_to(ROOT)}: {total:.1f}s total; slowest {slowest}")
    return target


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        build(Path(arg).resolve())
