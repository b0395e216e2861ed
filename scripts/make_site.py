"""Build a static website of the course for reading without a kernel: ``make site``.

    python scripts/make_site.py [--out build/site]

Uses jupyter-book 1.x (2.x downloads its theme at build time; 1.x builds offline). The committed
outputs are shown as they are: nothing is re-executed, so the site shows exactly what ``make test``
checked. The book's sources are assembled in ``<out>/src`` (the notebooks, their data, the README as
the landing page), so the repository itself needs no book configuration files. On the site a reader
tries an exercise before seeing its answer: every solution cell's code is collapsed behind a toggle
(jupyter-book's ``hide-input`` tag), and every instructor note is a collapsed "Instructor notes" box.

Falls back to plain ``jupyter nbconvert --to html`` pages and an index when jupyter-book is missing.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

CONFIG = """\
title: "drand, from the inside: the drand-edu course"
author: "drand-edu"
only_build_toc_files: true
execute:
  execute_notebooks: "off"
html:
  use_repository_button: false
  use_issues_button: false
  home_page_in_navbar: true
sphinx:
  config:
    html_show_copyright: false
    mathjax_path: "mathjax/es5/tex-chtml-full.js"
    html_static_path: ["_static"]
    nb_merge_streams: true
"""


def course_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def title_of(notebook_path: Path) -> str:
    """The first heading of a notebook (its title on the site)."""
    cells = json.loads(notebook_path.read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            match = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return notebook_path.stem


INSTRUCTOR_BOX = "```{{admonition}} Instructor notes\n:class: dropdown\n\n{text}\n```\n"


def for_the_site(notebook: dict) -> dict:
    """The notebook as the site shows it: solutions' code and instructor notes collapsed."""
    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in tags and cell["cell_type"] == "code" and "hide-input" not in tags:
            cell["metadata"]["tags"] = [*tags, "hide-input"]
        if "instructor" in tags and cell["cell_type"] == "markdown":
            text = "".join(cell["source"]).strip()
            cell["source"] = INSTRUCTOR_BOX.format(text=text)
    return notebook


def assemble(src: Path) -> None:
    """Copy the course into a jupyter-book source folder with a table of contents."""
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    for notebook_path in course_notebooks():
        notebook = for_the_site(json.loads(notebook_path.read_text()))
        (src / notebook_path.name).write_text(json.dumps(notebook, indent=1, ensure_ascii=False))
    if (NOTEBOOKS / "data").exists():
        shutil.copytree(NOTEBOOKS / "data", src / "data")
    intro = (ROOT / "README.md").read_text()
    (src / "intro.md").write_text(intro)
    chapters = "\n".join(f"  - file: {p.stem}" for p in course_notebooks())
    (src / "_toc.yml").write_text(f"format: jb-book\nroot: intro\nchapters:\n{chapters}\n")
    (src / "_config.yml").write_text(CONFIG)


#: MathJax from npm, served from the site itself (Sphinx would load it from a CDN)
MATHJAX = "mathjax@3.2.2"


def vendor_mathjax(src: Path, cache: Path) -> None:
    """Put MathJax 3 into the book's ``_static`` folder (installed once from npm into ``cache``)."""
    if not (cache / "node_modules" / "mathjax").exists():
        npm = shutil.which("npm")
        if npm is None:
            print("npm not found: formulas will need a network to render (MathJax from a CDN)")
            return
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(cache), MATHJAX],
            check=True,
            capture_output=True,
        )
    shutil.copytree(cache / "node_modules" / "mathjax", src / "_static" / "mathjax", dirs_exist_ok=True)


def build_with_jupyter_book(src: Path, out: Path) -> Path:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run(
        [str(jupyter_book), "build", str(src), "--path-output", str(out), "--quiet"],
        check=True,
    )
    return out / "_build" / "html" / "index.html"


def build_with_nbconvert(out: Path) -> Path:
    """Fallback: one HTML page per notebook and a plain index."""
    pages = out / "html"
    pages.mkdir(parents=True, exist_ok=True)
    jupyter = Path(sys.executable).with_name("jupyter")
    links = []
    for notebook_path in course_notebooks():
        subprocess.run(
            [str(jupyter), "nbconvert", "--to", "html", str(notebook_path), "--output-dir", str(pages)],
            check=True,
            capture_output=True,
        )
        title = html.escape(title_of(notebook_path))
        links.append(f'<li><a href="{notebook_path.stem}.html">{title}</a></li>')
    index = pages / "index.html"
    index.write_text(f"<html><body><h1>drand-edu</h1><ol>{''.join(links)}</ol></body></html>\n")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    args = parser.parse_args(argv)
    if Path(sys.executable).with_name("jupyter-book").exists():
        assemble(args.out / "src")
        vendor_mathjax(args.out / "src", args.out / "vendor")
        index = build_with_jupyter_book(args.out / "src", args.out)
    else:
        index = build_with_nbconvert(args.out)
    print(f"site: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
