"""Live-coding safety (issue #16): every notebook survives each cell run twice, run again after the cells
below it, and a second Run All.

scripts/run_twice.py executes a notebook with each code cell run twice in a row, then each once more from
the last to the first, then the whole notebook again in the same kernel, and fails on an error (outside
cells tagged ``raises-exception``), a process or listening port still there at the end, or a temporary
folder left after the kernel shut down. The first tests here check that the harness itself catches each
of those on a small notebook made to fail; then one test per course notebook (sessions 4-8 are in
tests/test_rerun_sessions.py, so that ``-n 2 --dist loadfile`` runs the two halves side by side).
"""

from __future__ import annotations

import nbformat
import pytest

from .rerun_common import check_course_notebook, harness, stems


def _notebook(tmp_path, *cells: tuple[str, list[str]]):
    nb = nbformat.v4.new_notebook()
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def test_the_harness_sees_what_a_rerun_breaks_and_what_is_left_behind(tmp_path) -> None:
    path = _notebook(
        tmp_path,
        ("import os, socket, subprocess, sys, tempfile\nimport drand_edu\nruns = []", []),
        ("runs.append(1)\nassert len(runs) == 1, 'second run'", []),  # fails when run again
        ("with drand_edu.expect_error(ValueError):\n    {}['typo']", []),  # another error than the lesson
        ("raise KeyError('first') if not runs.append(2) and runs.count(2) == 1 else ValueError('other')",
         ["raises-exception"]),  # the demonstrated error changes on a re-run
        ("raise KeyError('always the same')", ["raises-exception"]),  # fine: the lesson is the same each time
        # in a session of its own a process outlives the kernel (whose process group is signalled at shutdown)
        ("sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],\n"
         "                           start_new_session=True)", []),
        ("runs.append(socket.socket()); runs[-1].bind(('127.0.0.1', 0)); runs[-1].listen()", []),
        ("left = tempfile.mkdtemp(prefix='probe-left-')", []),
    )
    report = harness().check_notebook(path, repeat=2)
    text = report.text()
    problems = report.problems
    assert any("cell 1" in p and "run 2 of 2" in p and "AssertionError: second run" in p
               for p in problems), text
    assert not any("cell 1" in p and "run 1 of 2" in p for p in problems), text
    assert sum("cell 2" in p and "KeyError" in p for p in problems) == 2, text  # expect_error lets it through
    assert any("cell 3" in p and "ValueError" in p and "first run: KeyError" in p for p in problems), text
    assert not any("cell 4" in p for p in problems), text
    assert sum("child process still running" in p for p in problems) == 2, text  # two sleepers
    assert sum("after kernel shutdown: process survived" in p for p in problems) == 2, text
    assert sum("port still listening" in p for p in problems) == 2, text
    assert sum("temporary folder left: probe-left-" in p for p in problems) == 2, text


def test_the_harness_passes_a_notebook_that_cleans_up_and_reruns_from_a_cell(tmp_path) -> None:
    path = _notebook(
        tmp_path,
        ("import socket, subprocess, sys, tempfile\nimport drand_edu\nseen = []", []),
        ("with tempfile.TemporaryDirectory() as folder:\n    seen.append(folder)", []),
        ("child = subprocess.Popen([sys.executable, '-c', 'pass'])\nchild.wait()", []),
        ("with socket.socket() as s:\n    s.bind(('127.0.0.1', 0)); s.listen()", []),
        ("with drand_edu.expect_error(KeyError):\n    {}['missing']", []),
        ("assert len(seen) >= 1", []),
    )
    run_twice = harness()
    report = run_twice.check_notebook(path, repeat=2, again_from=1)
    assert report.ok, report.text()
    assert report.runs == 6 * 2 + 5  # every cell twice, then cells 1..5 once more


def test_the_harness_runs_again_after_the_cells_below(tmp_path) -> None:
    # cell 1 works on its own and twice in a row, but not after cell 2 ran: --again-from and --upwards see it
    path = _notebook(tmp_path, ("state = {'open': True}", []),
                     ("assert state['open'], 'closed by a later cell'", []),
                     ("state['open'] = False", []))
    run_twice = harness()
    assert run_twice.check_notebook(path, repeat=2).ok
    report = run_twice.check_notebook(path, repeat=1, again_from=1)
    again = [p for p in report.problems if "again from cell 1" in p and "closed by a later cell" in p]
    assert again, report.text()
    report = run_twice.check_notebook(path, repeat=1, upwards=True)
    upwards = [p for p in report.problems if "cell 1" in p and "after the cells below it" in p]
    assert len(report.problems) == len(upwards) == 1, report.text()


@pytest.mark.parametrize("stem", stems("00", "01", "02", "03"))
def test_notebook_survives_reruns(stem: str) -> None:
    check_course_notebook(stem)
