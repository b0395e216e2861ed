"""Write the student versions of the course notebooks: ``make student``.

    python scripts/make_student.py           # writes student/NN_name.ipynb for every notebooks/NN_name.ipynb
    python scripts/make_student.py --check   # exit 1 if a committed student copy is stale

A student copy is the notebook with

* every cell tagged ``solution`` emptied back to a one-line prompt (the task cell above it keeps its stub,
  so the check cell prints "not yet" with a hint until the learner solves it);
* the outputs of the exercise section cleared (the committed notebook shows "✅ correct" there);
* the instructor notes (cells tagged ``instructor``) removed;
* every execution count reset, so a student starts from a clean page.

The notebooks' ``data/`` folder (small real vectors) is copied next to them, so the copies run where
they are. Everything else — explanations, figures, the outputs of the worked examples — stays, so a
student can read along before running anything.
"""

from __future__ import annotations

import argparse
import copy
import filecmp
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STUDENT = ROOT / "student"

SOLUTION_PROMPT = "# Your solution goes in the cells above; run the check cell again when you are done.\n"


def course_notebooks() -> list[Path]:
    """The course's notebooks, in order (``00_start_here`` … ``08_…``)."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.metadata.get("tags", []))


def _heading_level(cell: nbformat.NotebookNode) -> int:
    if cell.cell_type != "markdown":
        return 0
    first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
    return len(first) - len(first.lstrip("#")) if first.startswith("#") else 0


def is_exercise_heading(cell: nbformat.NotebookNode) -> bool:
    return _heading_level(cell) == 2 and "exercises" in cell.source.lstrip().splitlines()[0].lower()


def student_version(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student copy of one notebook (the input is not modified)."""
    student = copy.deepcopy(notebook)
    cells = []
    in_exercises = False
    for cell in student.cells:
        if is_exercise_heading(cell):
            in_exercises = True
        elif _heading_level(cell) == 2:
            in_exercises = False
        tags = _tags(cell)
        if "instructor" in tags:
            continue
        if cell.cell_type == "code":
            cell.execution_count = None
            if "solution" in tags:
                cell.source = SOLUTION_PROMPT
                cell.metadata["tags"] = [t for t in tags if t != "solution"]
                cell.metadata.get("jupyter", {}).pop("source_hidden", None)
                if not cell.metadata.get("jupyter"):
                    cell.metadata.pop("jupyter", None)
            if in_exercises or "solution" in tags:
                cell.outputs = []
            for output in cell.outputs:
                if "execution_count" in output:
                    output["execution_count"] = None
        cells.append(cell)
    student.cells = cells
    student.metadata["drand_edu"] = {"student_version": True}
    return student


def render(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale or missing student copies")
    args = parser.parse_args(argv)
    STUDENT.mkdir(exist_ok=True)
    stale = []
    for source in course_notebooks():
        text = render(student_version(nbformat.read(source, as_version=4)))
        target = STUDENT / source.name
        if args.check:
            if not target.exists() or target.read_text() != text:
                stale.append(target.relative_to(ROOT))
        else:
            target.write_text(text)
            print(f"wrote {target.relative_to(ROOT)}")
    data, student_data = NOTEBOOKS / "data", STUDENT / "data"
    if data.exists():
        if args.check:
            comparison = filecmp.dircmp(data, student_data) if student_data.exists() else None
            if comparison is None or comparison.left_only or comparison.right_only or comparison.diff_files:
                stale.append(student_data.relative_to(ROOT))
        else:
            shutil.rmtree(student_data, ignore_errors=True)
            shutil.copytree(data, student_data)
    if stale:
        print("stale student copies (run `make student`):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
