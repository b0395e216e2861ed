"""Live-coding safety of the learners' copies (student/) of sessions 0-3: every cell again after the cells
below it, then each again followed by the one below (the modes tests/test_rerun.py does not run on the
instructor copies); sessions 4-8 are in tests/test_rerun_student_sessions.py, for ``--dist loadfile``."""

from __future__ import annotations

import pytest

from .rerun_common import check_student_copy, stems


@pytest.mark.parametrize("stem", stems("00", "01", "02", "03"))
def test_student_copy_survives_reruns(stem: str) -> None:
    check_student_copy(stem)
