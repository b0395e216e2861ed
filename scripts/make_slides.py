"""Export every course notebook as reveal.js slides that work without a network: ``make slides``.

    python scripts/make_slides.py [--out build/slides]

Each notebook's cells carry ``slideshow.slide_type`` (set by ``scripts/build_notebook.py``): ``#``/``##``
headings open a slide, ``###`` a sub-slide, instructor notes become speaker notes (press ``s``), solutions
are skipped. In JupyterLab the same metadata drives jupyterlab-rise (*View → Render as slideshow*).

nbconvert's slides load reveal.js and MathJax from public CDNs by default; here both come from npm
(pinned versions, installed once into ``<out>/vendor``) and the pages link to them by relative paths,
so the folder can be copied to a laptop and presented offline.

The pages are laid out for a 1280x800 projector (``READABLE_CSS``): code and text outputs wrap instead of
running off the slide, figures are scaled to fit it (``tests/test_browser.py`` checks this in Chromium).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
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


def readable(body: str) -> str:
    """``body`` (a slides page) with ``READABLE_CSS`` as the last stylesheet of its head."""
    return body.replace("</head>", READABLE_CSS + "</head>", 1)


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
    slides.reveal_scroll = True  # long code cells scroll instead of overflowing the slide
    slides.reveal_width, slides.reveal_height = str(SLIDE_WIDTH), str(SLIDE_HEIGHT)
    slides.mathjax_url = f"{vendor_prefix}/node_modules/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    slides.require_js_url = f"{vendor_prefix}/node_modules/requirejs/require.js"
    slides.jquery_url = f"{vendor_prefix}/node_modules/jquery/dist/jquery.min.js"
    return slides


def export(notebook_path: Path, out: Path, slides: SlidesExporter) -> Path:
    body, _ = slides.from_notebook_node(nbformat.read(notebook_path, as_version=4))
    target = out / f"{notebook_path.stem}.slides.html"
    target.write_text(readable(body))
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
