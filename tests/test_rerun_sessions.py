"""Live-coding safety of sessions 4-8: each cell twice, the notebook again, nothing left behind.

The other half (and the tests of the harness itself) is tests/test_rerun.py.
"""

from __future__ import annotations

import pytest

from .rerun_common import check_course_notebook, stems


@pytest.mark.parametrize("stem", stems("04", "05", "06", "07", "08"))
def test_notebook_survives_reruns(stem: str) -> None:
    check_course_notebook(stem)
