"""Live-coding safety of the learners' copies (student/) of sessions 0-4: every cell again after the cells
below it, then each again followed by the one below (the modes tests/test_rerun.py does not run on the
instructor copies); sessions 5-8 are in tests/test_rerun_student_sessions.py, for ``--dist loadfile``.

Session 1 is here too: its start cell, run again after the cells below it, makes fresh nodes without a
chain, and every later cell that needs the chain gets it from ``public_urls()``, which runs the DKG
again on such nodes (and starts stopped ones). Its real processes make it the slowest of these."""

from __future__ import annotations

import pytest

from .rerun_common import check_student_copy, stems


@pytest.mark.parametrize("stem", stems("00", "01", "02", "03", "04"))
def test_student_copy_survives_reruns(stem: str) -> None:
    check_student_copy(stem)
