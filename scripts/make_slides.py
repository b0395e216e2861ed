"""Export every course notebook as reveal.js slides that work without a network: ``make slides``.

    python scripts/make_slides.py [--out build/slides]

Each notebook's cells carry ``slideshow.slide_type`` (set by ``scripts/build_notebook.py``): ``#``/``##``
headings open a slide, ``###`` a sub-slide, instructor notes become speaker notes (press ``s``), solutions
are skipped. In JupyterLab the same metadata drives jupyterlab-rise (*View → Render as slideshow*).

nbconvert's slides load reveal.js and MathJax from public CDNs by default; here both come from npm
(pinned versions, installed once into ``<out>/vendor``) and the pages link to them by relative paths,
so the folder can be copied to a laptop and presented offline.

The pages are laid out for a 1280x800 projector, and no slide is taller than the screen:

* ``paginate`` splits a section that would not fit into several slides (reveal.js's vertical sub-slides,
  so a section stays one column of the deck): it estimates each cell's height from its lines, tables and
  figures and starts a new sub-slide before the cell that would pass ``PAGE_BUDGET`` pixels;
* ``READABLE_CSS`` wraps code and text outputs instead of letting them run off the slide and scales
  figures to fit;
* ``with_plan_notes`` puts each item of the session's plan (``docs/plan.toml``, see ``make_plan.py``) into
  the speaker notes of the first slide of the section it names;
* ``FIT_JS`` shrinks, in the browser, a slide that is still a little too tall (``zoom`` down to
  ``MIN_ZOOM``), so nothing ever scrolls or is cut off.

``tests/test_browser.py`` renders every slide of every deck in Chromium at 1280x800 and fails on a slide
that is taller than the screen, wider than it, or shrunk below ``MIN_ZOOM``.
"""

from __future__ import annotations

import argparse
import copy
import math
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from make_plan import section_notes  # a script beside this one (scripts/ is on the path when either runs)
from nbconvert import SlidesExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

#: What nbconvert 7's reveal template loads from CDNs (jQuery 2.0.3 is not on npm: 2.2.4, same API).
VENDOR_PACKAGES = ("reveal.js@4.0.2", "mathjax@2.7.7", "requirejs@2.1.10", "jquery@2.2.4")


#: Slide size reveal.js lays the page out at (then scales to the window): a 1280x800 projector.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 800

#: Added to every slides page: long lines wrap, figures fit, prompts take little room.
READABLE_CSS = """
<style id="drand-edu-readable-slides">
.reveal pre, .reveal code, .reveal .jp-RenderedText pre, .reveal .highlight pre {
    white-space: pre-wrap !important;
    overflow-wrap: anywhere;
    word-break: break-word;
    width: auto;  /* reveal's theme makes every pre 90% of the slide, wider than a cell beside its prompt */
    max-width: 100%;
    margin: 0.2em 0;
    box-sizing: border-box;
    overflow-x: hidden;
}
.reveal .jp-Cell, .reveal .jp-InputArea, .reveal .jp-OutputArea, .reveal .jp-OutputArea-output,
.reveal .jp-InputArea-editor, .reveal .jp-RenderedHTMLCommon, .reveal .highlight {
    max-width: 100%;
    min-width: 0;
    box-sizing: border-box;
}
.reveal .jp-InputArea-editor, .reveal .jp-OutputArea-output { flex: 1 1 0; }
.reveal img, .reveal svg, .reveal .jp-RenderedImage img {
    max-width: 100% !important;
    max-height: 62vh !important;
    width: auto;
    height: auto;
    object-fit: contain;
}
.reveal .jp-RenderedHTMLCommon table { display: block; max-width: 100%; overflow-x: auto; font-size: 0.8em; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { flex: 0 0 3.5em; min-width: 0; font-size: 0.7em; }
:root { --jp-cell-prompt-width: 3.5em; }
</style>
"""


#: The height (px, at 1280x800) a slide's estimated content may reach before the next cell opens a new one.
PAGE_BUDGET = 640

#: The smallest zoom FIT_JS may give a slide that is still too tall (below it a slide is unreadable).
MIN_ZOOM = 0.5

#: Shrinks the current slide when its content is taller than the slide (after the estimate of ``paginate``
#: was too low), then lets reveal.js centre it again. Runs at start and on every slide change.
FIT_JS = """
<script id="drand-edu-fit-slides">
require(["%(reveal)s/dist/reveal.js"], function (Reveal) {
    function fit() {
        var slide = Reveal.getCurrentSlide();
        if (!slide) return;
        slide.style.zoom = "";
        var tall = slide.scrollHeight, room = %(height)d - 16;
        if (tall > room) slide.style.zoom = Math.max(%(min_zoom)s, room / tall).toFixed(3);
        Reveal.layout();
    }
    if (Reveal.isReady()) fit(); else Reveal.on("ready", fit);
    Reveal.on("slidechanged", fit);
});
</script>
"""


def readable(body: str, reveal_prefix: str = "vendor/node_modules/reveal.js") -> str:
    """``body`` (a slides page) with ``READABLE_CSS`` last in its head and ``FIT_JS`` at the end."""
    fit = FIT_JS % {"reveal": reveal_prefix, "height": SLIDE_HEIGHT, "min_zoom": MIN_ZOOM}
    return body.replace("</head>", READABLE_CSS + "</head>", 1).replace("</body>", fit + "</body>", 1)


def _text_lines(text: str, width: int) -> int:
    """How many lines ``text`` takes when wrapped at ``width`` characters."""
    return sum(max(1, math.ceil(len(line) / width)) for line in text.splitlines() or [""])


def estimated_height(cell: nbformat.NotebookNode) -> int:
    """A rough height in pixels of ``cell`` on a 1280x800 slide (calibrated on the course's decks)."""
    if cell.cell_type == "markdown":
        height = 0
        for line in cell.source.splitlines():
            stripped = line.strip()
            if not stripped:
                height += 12
            elif stripped.startswith("#"):
                height += 70
            elif stripped.startswith("|"):
                height += 0 if set(stripped) <= set("|-: ") else 32 * _text_lines(stripped, 130)
            else:
                height += 34 * _text_lines(stripped, 95)
        return height + 20
    if cell.cell_type != "code":
        return 0
    height = 24 + 22 * _text_lines(cell.source, 105)
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data:
            height += 500
        elif "text/html" in data:
            height += 26 * _text_lines("".join(data["text/html"]), 200)
        else:
            text = output.get("text") or "".join(data.get("text/plain", ""))
            height += 8 + 20 * _text_lines(text, 115)
    return height


def _paragraphs(cell: nbformat.NotebookNode, budget: int) -> list[nbformat.NotebookNode]:
    """A long markdown cell as one cell per paragraph (so a slide can end between two), else ``[cell]``."""
    if cell.cell_type != "markdown" or "```" in cell.source or estimated_height(cell) <= budget // 2:
        return [cell]
    blocks = [block for block in cell.source.split("\n\n") if block.strip()]
    parts = []
    for number, block in enumerate(blocks):
        part = copy.deepcopy(cell)
        part.source = block
        if number:
            part.metadata["slideshow"] = {"slide_type": "-"}
            if "id" in part:
                part.id = f"{cell.id}-{number}"  # ids stay unique (nbformat requires one per cell)
        parts.append(part)
    return parts


def paginate(notebook: nbformat.NotebookNode, budget: int = PAGE_BUDGET) -> nbformat.NotebookNode:
    """A copy of ``notebook`` whose over-full slides are split into sub-slides (see the module doc)."""
    paged = copy.deepcopy(notebook)
    paged.cells = [part for cell in paged.cells for part in _paragraphs(cell, budget)]
    used = 0
    for cell in paged.cells:
        show = cell.metadata.setdefault("slideshow", {})
        kind = show.get("slide_type", "-")
        if kind in ("skip", "notes"):
            continue
        height = estimated_height(cell)
        if kind in ("slide", "subslide"):
            used = height
        elif used and used + height > budget:
            show["slide_type"] = "subslide"
            used = height
        else:
            used += height
    return paged


def _heading(cell: nbformat.NotebookNode) -> str | None:
    """The text of the ``##`` heading that opens markdown ``cell``, else None."""
    first = cell.source.lstrip().split("\n", 1)[0] if cell.cell_type == "markdown" else ""
    return first[3:].strip() if first.startswith("## ") else None


def with_plan_notes(notebook: nbformat.NotebookNode, notes: dict[str, list[str]]) -> nbformat.NotebookNode:
    """``notebook`` with a speaker-notes cell right after each section's heading cell, holding ``notes`` for
    that section (``section_notes``: the plan's items, by heading text), so the section's first slide shows
    them when the speaker view is open."""
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        heading = _heading(cell)
        if heading in notes and cell.metadata.get("slideshow", {}).get("slide_type") != "notes":
            lines = "\n".join(f"- {line}" for line in notes.pop(heading))
            cells.append(nbformat.v4.new_markdown_cell(
                f"**Plan.**\n\n{lines}", metadata={"slideshow": {"slide_type": "notes"}, "tags": ["plan"]}
            ))
    notebook.cells = cells
    return notebook


def install_vendor(vendor: Path) -> None:
    """Install reveal.js and MathJax from npm into ``vendor`` (skipped when already there)."""
    if all((vendor / "node_modules" / spec.rsplit("@", 1)[0]).exists() for spec in VENDOR_PACKAGES):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("make slides needs npm (to fetch reveal.js and MathJax once)")
    vendor.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(vendor), *VENDOR_PACKAGES],
        check=True,
        capture_output=True,
    )


def exporter(vendor_prefix: str) -> SlidesExporter:
    """A slides exporter whose pages load reveal.js and MathJax from ``vendor_prefix`` (a relative URL)."""
    slides = SlidesExporter()
    slides.reveal_url_prefix = f"{vendor_prefix}/node_modules/reveal.js"
    slides.reveal_scroll = False  # slides fit the screen instead (paginate, FIT_JS)
    slides.reveal_width, slides.reveal_height = str(SLIDE_WIDTH), str(SLIDE_HEIGHT)
    slides.mathjax_url = f"{vendor_prefix}/node_modules/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    slides.require_js_url = f"{vendor_prefix}/node_modules/requirejs/require.js"
    slides.jquery_url = f"{vendor_prefix}/node_modules/jquery/dist/jquery.min.js"
    return slides


def export(notebook_path: Path, out: Path, slides: SlidesExporter) -> Path:
    paged = paginate(nbformat.read(notebook_path, as_version=4))
    body, _ = slides.from_notebook_node(with_plan_notes(paged, section_notes(notebook_path.stem)))
    target = out / f"{notebook_path.stem}.slides.html"
    target.write_text(readable(body, slides.reveal_url_prefix))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    install_vendor(args.out / "vendor")
    slides = exporter("vendor")
    for notebook_path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        print(f"wrote {export(notebook_path, args.out, slides).relative_to(args.out.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
