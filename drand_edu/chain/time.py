"""Rounds and wall-clock time (drand ``common/time.go``).

Round 1 happens at ``genesis``; round ``r`` at ``genesis + (r - 1)·period``. Round 0 is the genesis
itself: on chained schemes its "signature" is the genesis seed, the previous signature of round 1.
"""

from __future__ import annotations

import math


def time_of_round(genesis: int, period: int, round_number: int) -> int:
    """Unix time at which ``round_number`` is due. Round 0 and round 1 are both at genesis."""
    if round_number <= 1:
        return genesis
    return genesis + (round_number - 1) * period


def current_round(genesis: int, period: int, now: float) -> int:
    """The latest round due at ``now``: ``floor((now - genesis) / period) + 1``; 0 before genesis."""
    if now < genesis:
        return 0
    return math.floor((now - genesis) / period) + 1


def next_round(genesis: int, period: int, now: float) -> tuple[int, int]:
    """The next round to come after ``now`` and the Unix time it is due (drand's ``NextRound``)."""
    if now < genesis:
        return 1, genesis
    upcoming = current_round(genesis, period, now) + 1
    return upcoming, time_of_round(genesis, period, upcoming)
