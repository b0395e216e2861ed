"""Notebook 04, Exercise 6 (Break): squat a fresh network with a stranger's proposal, then ``dkg nuke``.

The checker (``check_squat_dkg``) builds a fresh network of DKG processes each time: a stub gets the
nudge, squats that do not hold (too short, too few victims, a threshold drand refuses, nothing done)
get "not yet" saying why, and a real squat gets "correct".
"""

from __future__ import annotations

from pathlib import Path

from drand_edu.exercises import CORRECT
from drand_edu.exercises.dkg import SQUAT_AT_LEAST, check_squat_dkg

from .conftest import assert_exercises_in_rhythm, assert_stub_gets_the_nudge, verdict

YEARS = 10 * SQUAT_AT_LEAST


def test_a_stub_gets_the_first_hint(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_squat_dkg, "squat_dkg")


def test_a_real_squat_is_correct_on_fresh_networks(capsys) -> None:
    def squat(stranger, victims):
        stranger.propose_initial(victims, threshold=3, period=3, timeout=YEARS)

    for _ in range(2):  # each run: new keys and addresses
        assert CORRECT in verdict(capsys, check_squat_dkg, squat)

    def all_four(stranger, victims):
        stranger.propose_initial(victims, threshold=4, period=30, timeout=SQUAT_AT_LEAST + 1)

    assert CORRECT in verdict(capsys, check_squat_dkg, all_four)


def test_squats_that_do_not_hold_are_not_yet(capsys) -> None:
    def short(stranger, victims):
        stranger.propose_initial(victims, threshold=3, period=3, timeout=3600)

    assert "make it last at least a year" in verdict(capsys, check_squat_dkg, short)

    def two_victims(stranger, victims):
        stranger.propose_initial(victims[1:], threshold=3, period=3, timeout=YEARS)

    assert "did not reach it" in verdict(capsys, check_squat_dkg, two_victims)

    def low_threshold(stranger, victims):
        stranger.propose_initial(victims, threshold=2, period=3, timeout=YEARS)

    assert "threshold is below the minimum" in verdict(capsys, check_squat_dkg, low_threshold)

    def nothing(stranger, victims):
        return len(victims)

    assert "is Fresh" in verdict(capsys, check_squat_dkg, nothing)

    def the_leader_itself(stranger, victims):  # a proposal by the real leader is no squat
        stranger.transport.processes[victims[0]].propose_initial(victims[1:], threshold=2, period=3,
                                                                  timeout=YEARS)  # fmt: skip

    out = verdict(capsys, check_squat_dkg, the_leader_itself)
    assert "is Proposing" in out or "is Fresh" in out


def test_the_exercise_sits_in_the_rhythm() -> None:
    assert_exercises_in_rhythm(Path(__file__).resolve().parent.parent / "notebooks" / "src" / "04_dkg.py")
