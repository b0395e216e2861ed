"""Student copies (``make student``): up to date, and every check cell says "not yet" without raising.

Each student notebook is executed from top to bottom in a real kernel, as a learner would run it before
solving anything. Cells that demonstrate an error (tagged ``raises-exception``) may raise; nothing else may.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import make_student  # noqa: E402

from drand_edu.exercises import CORRECT, NOT_YET  # noqa: E402

STUDENT_NOTEBOOKS = sorted((ROOT / "student").glob("[0-9][0-9]_*.ipynb"))


def test_student_copies_are_up_to_date(capsys) -> None:
    assert make_student.main(["--check"]) == 0, capsys.readouterr().out
    assert [p.name for p in STUDENT_NOTEBOOKS] == [p.name for p in make_student.course_notebooks()]


def test_student_version_hides_solutions_and_instructor_notes() -> None:
    cell = nbformat.v4.new_code_cell
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("## Exercises"),
            cell("def f(): ...", execution_count=3, outputs=[nbformat.v4.new_output("stream", text="x")]),
            cell("def f(): return 42", execution_count=4, metadata={"tags": ["solution"]}),
            nbformat.v4.new_markdown_cell("notes", metadata={"tags": ["instructor"]}),
            nbformat.v4.new_markdown_cell("## Recap"),
        ]
    )
    student = make_student.student_version(notebook)
    sources = [c.source for c in student.cells]
    assert "def f(): return 42" not in sources and "notes" not in sources
    assert sources[2] == make_student.SOLUTION_PROMPT
    assert all(c.get("execution_count") is None for c in student.cells if c.cell_type == "code")
    assert student.cells[1].outputs == []  # exercise outputs cleared
    assert notebook.cells[2].source == "def f(): return 42"  # the original is untouched


def _text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


@pytest.mark.parametrize("path", STUDENT_NOTEBOOKS, ids=[p.stem for p in STUDENT_NOTEBOOKS])
def test_student_notebook_runs_and_checks_say_not_yet(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError if an untagged cell raises
    checks = [c for c in notebook.cells if c.cell_type == "code" and "drand_edu.exercises.check_" in c.source]
    if not path.name.startswith("00_"):  # the start-here page has no exercises
        assert len(checks) >= 3, f"{path.name} has {len(checks)} exercise checks; the course asks for 3+"
    for cell in checks:
        text = _text(cell)
        assert text.startswith(NOT_YET) and len(text.strip()) > len(NOT_YET) + 3, (cell.source, text)
        assert CORRECT not in text
