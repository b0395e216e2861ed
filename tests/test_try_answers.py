"""Every "Try it" prompt has its answer in a collapsed cell under it, in each copy of the course.

The answer is a markdown cell tagged ``try-answer`` placed after the prompt and before the next heading
(or the next prompt). The instructor's notebook and the student copy keep it collapsed
(``jupyter.source_hidden``), the slides carry it as speaker notes, and the site folds it into a
``<details>`` element, so a learner meets the question before its answer everywhere.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import build_notebook  # noqa: E402
import make_site  # noqa: E402
import make_student  # noqa: E402

SOURCES = sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
PROMPT = "**Try it"


def _is_heading(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith("#")


def _is_answer(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "markdown" and "try-answer" in cell.metadata.get("tags", [])


def unanswered_prompts(notebook: nbformat.NotebookNode) -> list[str]:
    """Each "Try it" prompt (its first line) with no ``try-answer`` cell before the next heading or prompt."""
    missing = []
    cells = notebook.cells
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown" or PROMPT not in cell.source or _is_answer(cell):
            continue
        answered = False
        for later in cells[index + 1:]:
            if _is_answer(later):
                answered = True
                break
            if _is_heading(later) or (later.cell_type == "markdown" and PROMPT in later.source):
                break
        if not answered:
            prompt_line = next(line for line in cell.source.splitlines() if PROMPT in line)
            missing.append(prompt_line.strip()[:100])
    return missing


def _toy_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("## 1. A section"),
        nbformat.v4.new_markdown_cell("**Try it.** Change the round to 2 and predict the message."),
        nbformat.v4.new_code_cell("1 + 1"),
        nbformat.v4.new_markdown_cell("**Answer.** The message changes: it hashes the round."),
    ]
    notebook.cells[3].metadata["tags"] = ["try-answer"]
    return notebook


def test_the_checker_finds_an_unanswered_prompt() -> None:
    toy = _toy_notebook()
    assert unanswered_prompts(toy) == []
    toy.cells[3].metadata["tags"] = []
    assert unanswered_prompts(toy) == ["**Try it.** Change the round to 2 and predict the message."]
    answer_after_heading = _toy_notebook()
    answer_after_heading.cells.insert(3, nbformat.v4.new_markdown_cell("### Next"))
    assert len(unanswered_prompts(answer_after_heading)) == 1


def test_answers_are_collapsed_in_both_copies_noted_on_slides_and_folded_on_the_site() -> None:
    toy = _toy_notebook()
    build_notebook.prepare(toy)
    answer = toy.cells[3]
    assert answer.metadata["jupyter"]["source_hidden"] is True
    assert answer.metadata["slideshow"]["slide_type"] == "notes"
    assert "jupyter" not in toy.cells[1].metadata  # the prompt itself stays open
    student = make_student.student_version(toy)
    kept = [cell for cell in student.cells if _is_answer(cell)]
    assert len(kept) == 1 and kept[0].metadata["jupyter"]["source_hidden"] is True
    site = make_site.for_the_site(copy.deepcopy(nbformat.from_dict(toy)))
    folded = "".join(site["cells"][3]["source"])
    assert folded.startswith('<details class="try-answer">') and "The message changes" in folded
    assert folded.rstrip().endswith("</details>")


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_every_try_it_prompt_has_its_answer(source: Path) -> None:
    assert unanswered_prompts(jupytext.read(source)) == []


@pytest.mark.parametrize("copy_dir", ["notebooks", "student"])
def test_built_answers_stay_collapsed(copy_dir: str) -> None:
    for source in SOURCES:
        built = nbformat.read(ROOT / copy_dir / f"{source.stem}.ipynb", as_version=4)
        for cell in built.cells:
            if _is_answer(cell):
                assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, (copy_dir, source.stem)
