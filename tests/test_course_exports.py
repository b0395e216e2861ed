"""The course's other forms: slide metadata, offline reveal.js export, the static site."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import build_notebook  # noqa: E402
import list_exercises  # noqa: E402
import make_site  # noqa: E402
import make_slides  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CDN = re.compile(r"""(?:src|href)=["']https?://(?:cdn|unpkg|cdnjs|ajax\.googleapis)""")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_slide_metadata_is_consistent(path: Path) -> None:
    """Every cell has the slide type that build_notebook gives it, so RISE and reveal.js agree."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        got = cell.metadata.get("slideshow", {}).get("slide_type")
        assert got == build_notebook.slide_type(cell), f"{path.name} cell {index}: {got!r}"
    assert notebook.cells[0].metadata["slideshow"]["slide_type"] == "slide"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_slides_load_nothing_from_a_cdn(path: Path) -> None:
    body, _ = make_slides.exporter("vendor").from_notebook_node(nbformat.read(path, as_version=4))
    assert not CDN.findall(body)
    assert 'src="vendor/node_modules/mathjax/MathJax.js' in body
    assert "vendor/node_modules/reveal.js/dist/reveal.js" in body
    slides = sum(
        c.metadata.get("slideshow", {}).get("slide_type") in {"slide", "subslide"}
        for c in nbformat.read(path, as_version=4).cells
    )
    assert body.count("<section") >= slides


def test_site_sources_have_every_notebook_in_the_table_of_contents(tmp_path: Path) -> None:
    make_site.assemble(tmp_path)
    toc = (tmp_path / "_toc.yml").read_text()
    for path in NOTEBOOKS:
        assert f"file: {path.stem}" in toc
        site_copy = json.loads((tmp_path / path.name).read_text())
        original = json.loads(path.read_text())
        public = [c for c in original["cells"] if "instructor" not in c.get("metadata", {}).get("tags", [])]
        assert len(site_copy["cells"]) == len(public)  # the instructor notes are left out
        for on_site, cell in zip(site_copy["cells"], public, strict=True):
            tags = cell.get("metadata", {}).get("tags", [])
            assert on_site.get("outputs") == cell.get("outputs")  # what make test checked, unchanged
            if "solution" in tags:
                assert "hide-cell" in on_site["metadata"]["tags"]  # code and output both collapsed
            elif cell["cell_type"] == "code" and make_site.CHECK_CALL.search("".join(cell["source"])):
                assert "hide-output" in on_site["metadata"].get("tags", []) or not cell.get("outputs")
    assert "execute_notebooks: \"off\"" in (tmp_path / "_config.yml").read_text()


@pytest.mark.slow
def test_site_builds_offline_with_a_page_per_notebook(tmp_path: Path) -> None:
    if not (Path(sys.executable).with_name("jupyter-book")).exists():
        pytest.skip("jupyter-book is not installed")
    make_site.assemble(tmp_path / "src")
    index = make_site.build_with_jupyter_book(tmp_path / "src", tmp_path)
    html = index.parent
    for path in NOTEBOOKS:
        page = (html / f"{path.stem}.html").read_text()
        assert make_site.title_of(path).split("—")[0].strip() in page
        assert "data:image/png" in page or "_images/" in page or "image/png" not in path.read_text()
        cells = json.loads(path.read_text())["cells"]
        if any("solution" in c.get("metadata", {}).get("tags", []) for c in cells):
            assert 'tag_hide-cell' in page, f"{path.stem}: solutions are not collapsed on the site"
        if any("instructor" in c.get("metadata", {}).get("tags", []) for c in cells):
            assert "Instructor notes" not in page, f"{path.stem}: instructor notes on the public site"


def test_readme_lists_every_exercise_and_each_session_has_three() -> None:

    assert list_exercises.main(["--check"]) == 0, "stale README exercise list: run scripts/list_exercises.py"
    for notebook, titles in list_exercises.exercises():
        if not notebook.startswith("00_"):
            assert len(titles) >= 3, notebook


def test_slides_pages_wrap_code_and_fit_figures(tmp_path: Path) -> None:
    """The exported page carries the 1280x800 layout: code wraps, figures are capped (see test_browser)."""
    path = ROOT / "notebooks" / "02_beacons.ipynb"
    target = make_slides.export(path, tmp_path, make_slides.exporter("vendor"))
    page = target.read_text()
    head = page[: page.index("</head>")]
    assert 'id="drand-edu-readable-slides"' in head
    css = make_slides.READABLE_CSS
    assert "white-space: pre-wrap" in css and "max-width: 100%" in css
    assert f"width: {make_slides.SLIDE_WIDTH}," in page and f"height: {make_slides.SLIDE_HEIGHT}," in page


def test_instructor_guide_has_no_course_calendar() -> None:
    """The guide plans sessions, not dates (the minutes themselves are checked by tests/test_plan.py)."""
    assert "course calendar" not in (ROOT / "docs" / "instructor-guide.md").read_text()
