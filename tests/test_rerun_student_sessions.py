"""Live-coding safety of the learners' copies (student/) of sessions 5-8, in the modes the instructor copies'
test does not run (see tests/test_rerun_student.py)."""

from __future__ import annotations

import pytest

from .rerun_common import check_student_copy, stems


@pytest.mark.parametrize("stem", stems("05", "06", "07", "08"))
def test_student_copy_survives_reruns(stem: str) -> None:
    check_student_copy(stem)
