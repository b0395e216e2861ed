"""Build a static website of the course for reading without a kernel: ``make site``.

    python scripts/make_site.py [--out build/site]

Uses jupyter-book 1.x (2.x downloads its theme at build time; 1.x builds offline). The committed
outputs are shown as they are: nothing is re-executed, so the site shows exactly what ``make test``
checked. The book's sources are assembled in ``<out>/src`` (the notebooks, their data, the README as
the landing page), so the repository itself needs no book configuration files. On the site a reader
tries an exercise before seeing its answer: every solution cell, code and output, and every check cell's
verdict are collapsed behind a toggle; the instructor notes are left out; links to repository files the
site does not carry become plain text (``broken_links`` finds any that would still lead nowhere).

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




#: A check cell: it calls one of drand_edu.exercises' checkers, and its output is the verdict.
CHECK_CALL = re.compile(r"\bcheck_\w+\(")

#: The answer under a "Try it" prompt, folded; the blank lines make CommonMark read the answer as markdown.
TRY_ANSWER = '<details class="try-answer">\n<summary>Answer</summary>\n\n{answer}\n\n</details>\n'


def for_the_site(notebook: dict) -> dict:
    """The notebook as the public site shows it: a reader tries an exercise before seeing its answer.

    A solution cell is collapsed whole, code *and* output (jupyter-book's ``hide-cell``); a check cell's
    verdict is collapsed (``hide-output``); the answer under a "Try it" prompt (a ``try-answer``
    markdown cell) is folded into a ``<details>`` element, since jupyter-book can hide code but not
    markdown; the instructor notes are left out (they are for the instructor's copy, not the public site).
    """
    cells = []
    for cell in notebook["cells"]:
        tags = list(cell.get("metadata", {}).get("tags", []))
        if "instructor" in tags:
            continue
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "solution" in tags:
            tags = [t for t in tags if t not in ("hide-input", "hide-output")] + ["hide-cell"]
        elif cell["cell_type"] == "code" and CHECK_CALL.search(source) and cell.get("outputs"):
            tags = [*tags, "hide-output"]
        elif cell["cell_type"] == "markdown" and "try-answer" in tags:
            cell["source"] = TRY_ANSWER.format(answer=source)
        if tags:
            cell.setdefault("metadata", {})["tags"] = tags
        cells.append(cell)
    notebook["cells"] = cells
    return notebook


#: A markdown link whose target is a relative path (not a URL, not an anchor of the same page).
RELATIVE_LINK = re.compile(r"\[([^\]]+)\]\((?!https?://|mailto:|#)([^)\s]+)\)")


def site_links(text: str, pages: set[str]) -> str:
    """``text`` with relative links kept only when they lead to a page of the site (``pages``: file names);
    a link to a repository file the site does not carry becomes its text with the path in code."""

    def keep_or_unlink(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        name = Path(target.split("#", 1)[0]).name
        if name in pages and not target.startswith(("../", "/")):
            return match.group(0)
        return label if f"`{target}`" in label or label.startswith("`") else f"{label} (`{target}`)"

    return RELATIVE_LINK.sub(keep_or_unlink, text)


def assemble(src: Path) -> None:
    """Copy the course into a jupyter-book source folder with a table of contents."""
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    pages = {p.name for p in course_notebooks()}
    for notebook_path in course_notebooks():
        notebook = for_the_site(json.loads(notebook_path.read_text()))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                cell["source"] = site_links("".join(cell["source"]), pages)
        (src / notebook_path.name).write_text(json.dumps(notebook, indent=1, ensure_ascii=False))
    if (NOTEBOOKS / "data").exists():
        shutil.copytree(NOTEBOOKS / "data", src / "data")
    intro = (ROOT / "README.md").read_text().replace("](notebooks/", "](")
    (src / "intro.md").write_text(site_links(intro, pages))
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


def broken_links(html_root: Path, ignore: tuple[str, ...] = ()) -> list[str]:
    """Every local link of the built site's pages (``href``/``src`` without a scheme) whose file is
    missing; targets starting with one of ``ignore`` are not looked at (the theme's own templates under
    ``_static`` are not pages)."""
    broken = []
    for page in sorted(html_root.rglob("*.html")):
        if page.relative_to(html_root).parts[0] == "_static":
            continue
        for target in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text(errors="replace")):
            if re.match(r"^[a-z]+:", target) or target.startswith(("//", *ignore)):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(html_root)} -> {target}")
    return broken


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
