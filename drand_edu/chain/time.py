"""Rounds and wall-clock time (drand ``common/time.go``).

Round 1 happens at ``genesis``; round ``r`` at ``genesis + (r - 1)·period``. Round 0 is the genesis
itself: on chained schemes its "signature" is the genesis seed, the previous signature of round 1.

Our functions and drand's, with the same answers at the edges (``tests/test_ref_time.py`` asks
drand's own functions):

* :func:`time_of_round` is drand's
  [`TimeOfRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L17-L38):
  round 0 and round 1 are both at genesis, round ``r`` is ``r - 1`` periods later. A round so large
  that the time would not fit drand's ``int64`` (with a margin of ``2**36`` that ``time.Unix`` needs)
  gets :data:`TIME_OF_ROUND_ERROR_VALUE` instead, ``math.MaxInt64 - 2**36``, a time that never comes.
  drand decides "too large" in two steps: first a quick guard on the bits of the period (rounds from
  ``2**64 >> (bits(period + 1) + 2)`` on are refused outright), then the sum itself.
* :func:`next_round` is drand's
  [`NextRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L49-L63):
  before genesis it answers round 1, due at genesis. drand divides in floating point, and so do we,
  so that even past 2**53 seconds from genesis both round the same way.
* :func:`current_round` is drand's
  [`CurrentRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L40-L47):
  the next round minus one, but never below 1 — so *before genesis drand says round 1*, the round
  about to come, not 0. Code that must know whether anything is due yet compares with genesis.

A period must be a positive number of seconds: drand's ``NextRound`` divides by it whatever it is
(a zero period gives a meaningless round there); ours refuses it with :class:`InvalidInput`.
"""

from __future__ import annotations

import math

from ..errors import InvalidInput

#: drand's ``maxTimeBuffer``: ``time.Unix`` adds about 2**35.8 seconds internally, so times stay below.
MAX_TIME_BUFFER = 1 << 36
#: drand's ``TimeOfRoundErrorValue``: what ``TimeOfRound`` answers for a round too large to have a time.
TIME_OF_ROUND_ERROR_VALUE = (2**63 - 1) - MAX_TIME_BUFFER
_MAX_UINT64 = 2**64 - 1


def time_of_round(genesis: int, period: int, round_number: int) -> int:
    """Unix time at which ``round_number`` is due. Round 0 and round 1 are both at genesis; a round
    too large for a time gives :data:`TIME_OF_ROUND_ERROR_VALUE`, as drand's ``TimeOfRound``."""
    if not 0 <= round_number <= _MAX_UINT64:
        raise InvalidInput(f"a round is a uint64, got {round_number!r}")
    if round_number == 0:
        return genesis
    if period < 0:
        return TIME_OF_ROUND_ERROR_VALUE
    period_bits = int(math.log2(period + 1))  # drand: math.Log2(period.Seconds() + 1), then int()
    if round_number >= _MAX_UINT64 >> (period_bits + 2):  # room for the product and the int64 cast
        return TIME_OF_ROUND_ERROR_VALUE
    due = genesis + (round_number - 1) * period
    return TIME_OF_ROUND_ERROR_VALUE if due > TIME_OF_ROUND_ERROR_VALUE else due


def _periods_since(genesis: int, period: int, now: float) -> int:
    """``floor((now - genesis) / period)`` as drand computes it: in float64, for ``now >= genesis``."""
    if not period > 0:
        raise InvalidInput(f"a period is a positive number of seconds, got {period!r}")
    return math.floor(float(now - genesis) / period)


def current_round(genesis: int, period: int, now: float) -> int:
    """The round current at ``now``: ``floor((now - genesis) / period) + 1``, and 1 before genesis
    (drand's ``CurrentRound``: ``NextRound`` says 1 there, and it never goes below that)."""
    if now < genesis:
        _periods_since(genesis, period, genesis)  # the period is checked before genesis too
        return 1
    return _periods_since(genesis, period, now) + 1


def next_round(genesis: int, period: int, now: float) -> tuple[int, int]:
    """The next round to come after ``now`` and the Unix time it is due (drand's ``NextRound``)."""
    if now < genesis:
        _periods_since(genesis, period, genesis)
        return 1, genesis
    current = _periods_since(genesis, period, now) + 1
    return current + 1, genesis + current * period
