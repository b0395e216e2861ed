"""Live-coding safety of the learners' copies (student/) of sessions 0-4: every cell again after the cells
below it, then each again followed by the one below (the modes tests/test_rerun.py does not run on the
instructor copies); sessions 5-8 are in tests/test_rerun_student_sessions.py, for ``--dist loadfile``.

Session 1 is not here: its start cell, run again after the DKG cell, starts fresh nodes without a chain,
and the cells below then stop with "no chain yet: run the DKG cell above" (they do not run a DKG
themselves); and its real processes make this mode take minutes. Its instructor copy is checked in
tests/test_rerun.py (each cell twice, the pairs, the notebook again)."""

from __future__ import annotations

import pytest

from .rerun_common import check_student_copy, stems


@pytest.mark.parametrize("stem", stems("00", "02", "03", "04"))
def test_student_copy_survives_reruns(stem: str) -> None:
    check_student_copy(stem)
