"""Sessions 7 and 8: every exercise's hints come in three steps, nudge first and recipe last."""

from __future__ import annotations

import pytest

from drand_edu.exercises.common import first_hint

from .conftest import hints_shown

NAMES = [
    "trimmed_loss", "find_gaps", "sneaky_chunk", "already_stored",  # notebook 07
    "lock_round", "randbelow", "ibe_decrypt", "rewrite_sealed", "refused_key",  # notebook 08
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_hints_come_in_steps(capsys, name) -> None:
    shown = hints_shown(capsys, name)
    assert shown[0].startswith("💡 hint 1/3") and first_hint(name).split(" (more")[0] in shown[0]
    assert "hint 2/3" in shown[1] and "hint 3/3 (that is the last hint)" in shown[2]
    assert shown[3] == shown[2]  # the recipe repeats
    assert len({shown[0], shown[1], shown[2]}) == 3
