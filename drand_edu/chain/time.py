"""Rounds and wall-clock time (drand ``common/time.go``).

Round 1 happens at ``genesis``; round ``r`` at ``genesis + (r - 1)·period``. Round 0 is the genesis
itself: on chained schemes its "signature" is the genesis seed, the previous signature of round 1.

Our functions and drand's:

* :func:`time_of_round` is drand's
  [`TimeOfRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L17-L38):
  round 0 and round 1 are both at genesis, round ``r`` is ``r - 1`` periods later (drand also caps
  huge rounds at ``TimeOfRoundErrorValue``; we use Python's unbounded integers).
* :func:`next_round` is drand's
  [`NextRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L49-L63):
  before genesis it answers round 1, due at genesis.
* :func:`current_round` is drand's
  [`CurrentRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L40-L47):
  the next round minus one, but never below 1 — so *before genesis drand says round 1*, the round
  about to come, not 0. Code that must know whether anything is due yet compares with genesis.
"""

from __future__ import annotations

import math


def time_of_round(genesis: int, period: int, round_number: int) -> int:
    """Unix time at which ``round_number`` is due. Round 0 and round 1 are both at genesis."""
    if round_number <= 1:
        return genesis
    return genesis + (round_number - 1) * period


def current_round(genesis: int, period: int, now: float) -> int:
    """The round current at ``now``: ``floor((now - genesis) / period) + 1``, and 1 before genesis
    (drand's ``CurrentRound``: ``NextRound`` says 1 there, and it never goes below that)."""
    if now < genesis:
        return 1
    return math.floor((now - genesis) / period) + 1


def next_round(genesis: int, period: int, now: float) -> tuple[int, int]:
    """The next round to come after ``now`` and the Unix time it is due (drand's ``NextRound``)."""
    if now < genesis:
        return 1, genesis
    upcoming = math.floor((now - genesis) / period) + 2
    return upcoming, time_of_round(genesis, period, upcoming)
