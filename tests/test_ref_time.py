"""drand's own ``TimeOfRound``, ``CurrentRound`` and ``NextRound`` (``common/time.go``) beside ours.

Each case goes through :mod:`drand_edu.chain.time` and through the reference program (tests/drandref,
``op_time.go``), which calls drand's functions: the same numbers, edges first (round 0, before genesis,
the overflow cap and the guard before it), then generated chains and instants.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drand_edu.chain import time as chain_time
from drand_edu.errors import InvalidInput

UINT64 = 2**64 - 1
MAINNET = (1595431050, 30)  # (genesis, period)
QUICKNET = (1692803367, 3)

# realistic and extreme chains: a period of 1 s to 2**32 - 1 s (what chain info's uint32 allows), a genesis
# within ±2**61 s (so that drand's int64 arithmetic never wraps: see the listed difference below)
periods = st.one_of(st.sampled_from([1, 2, 3, 30, 2**31, 2**32 - 1]), st.integers(1, 2**32 - 1))
geneses = st.one_of(st.sampled_from([0, MAINNET[0], -1, 2**40]), st.integers(-(2**61), 2**61))
rounds = st.one_of(
    st.sampled_from([0, 1, 2, 2**53, 2**60, 2**61, 2**62, 2**63, UINT64 - 1, UINT64]),
    st.integers(0, 2**24),
    st.integers(0, UINT64),
)
offsets = st.one_of(st.integers(-(2**20), 2**20), st.integers(-(2**61), 2**61))


def test_the_cap_is_drands_constant(drandref):
    assert chain_time.TIME_OF_ROUND_ERROR_VALUE == drandref.call("time.error_value")


def _guard_edge(period: int) -> int:
    """The first round drand's bit guard refuses for ``period``."""
    return UINT64 >> (int(period + 1).bit_length() - 1 + 2)


EDGES = [
    (*MAINNET, 0),
    (*MAINNET, 1),
    (*MAINNET, 2),
    (*QUICKNET, 12040883),
    (*MAINNET, 2**60),  # notebook 01, exercise 4: TimeOfRoundErrorValue
    (*MAINNET, _guard_edge(30) - 1),
    (*MAINNET, _guard_edge(30)),
    (0, 1, _guard_edge(1) - 1),
    (0, 1, _guard_edge(1)),
    (0, 2**32 - 1, _guard_edge(2**32 - 1) - 1),
    # the sum passes the guard but crosses the cap, and just below it
    (chain_time.TIME_OF_ROUND_ERROR_VALUE - 10, 1, 11),
    (chain_time.TIME_OF_ROUND_ERROR_VALUE - 10, 1, 12),
    (0, 0, 5),
    (0, 0, 2**62),  # a zero period: every round at genesis, until the guard
    (-(2**40), 7, 3),
]


@pytest.mark.parametrize(("genesis", "period", "round_number"), EDGES)
def test_time_of_round_edges(drandref, genesis, period, round_number):
    theirs = drandref.call("time.of_round", period=period, genesis=genesis, round=round_number)
    assert chain_time.time_of_round(genesis, period, round_number) == theirs


@given(genesis=geneses, period=periods, round_number=rounds)
@settings(max_examples=150)
def test_time_of_round_generated(drandref, genesis, period, round_number):
    theirs = drandref.call("time.of_round", period=period, genesis=genesis, round=round_number)
    assert chain_time.time_of_round(genesis, period, round_number) == theirs


def _both(drandref, genesis: int, period: int, now: int) -> None:
    theirs_next = drandref.call("time.next_round", period=period, genesis=genesis, now=now)
    theirs_current = drandref.call("time.current_round", period=period, genesis=genesis, now=now)
    assert list(chain_time.next_round(genesis, period, now)) == theirs_next
    assert chain_time.current_round(genesis, period, now) == theirs_current


NOW_EDGES = [
    (*MAINNET, MAINNET[0] - 3600),  # an hour before genesis: round 1 (notebooks 01 and 02)
    (*MAINNET, MAINNET[0] - 1),
    (*MAINNET, MAINNET[0]),
    (*MAINNET, MAINNET[0] + 29),
    (*MAINNET, MAINNET[0] + 30),
    (*QUICKNET, 1727000000),
    (0, 2**32 - 1, 2**61),
    (0, 3, 2**53 + 1),
    (0, 3, 2**60 + 1),  # past 2**53: drand divides in float64, so do we
    (-(2**61), 1, 2**61),
]


@pytest.mark.parametrize(("genesis", "period", "now"), NOW_EDGES)
def test_next_and_current_round_edges(drandref, genesis, period, now):
    _both(drandref, genesis, period, now)


@given(genesis=geneses, period=periods, offset=offsets)
@example(genesis=MAINNET[0], period=30, offset=-1)
@example(genesis=MAINNET[0], period=30, offset=0)
@settings(max_examples=150)
def test_next_and_current_round_generated(drandref, genesis, period, offset):
    _both(drandref, genesis, period, genesis + offset)


@pytest.mark.parametrize("period", [0, -30])
def test_a_period_that_is_not_positive_is_refused_by_ours(drandref, period):
    """Listed difference ``time-period-not-positive``: drand's NextRound divides by any period."""
    assert drandref.outcome("time.next_round", period=period, genesis=0, now=100)[0] == "ok"
    with pytest.raises(InvalidInput):
        chain_time.next_round(0, period, 100)
    with pytest.raises(InvalidInput):
        chain_time.current_round(0, period, 100)


@pytest.mark.parametrize(
    ("op", "genesis", "period", "value"),
    [
        ("time.of_round", 2**63 - 2, 1, 3),  # genesis + 2 s passes int64: drand's sum wraps negative
        ("time.next_round", -(2**63) + 1, 1, 2**63 - 1),  # now - genesis passes int64
    ],
)
def test_int64_overflow_wraps_in_drand_and_not_in_ours(drandref, op, genesis, period, value):
    """Listed difference ``time-int64-wrap``: with times beyond ±2**62 s drand's int64 arithmetic wraps."""
    if op == "time.of_round":
        theirs = drandref.call(op, period=period, genesis=genesis, round=value)
        assert theirs < 0 < genesis  # wrapped to a time before 1970
        assert chain_time.time_of_round(genesis, period, value) == chain_time.TIME_OF_ROUND_ERROR_VALUE
    else:
        theirs = drandref.call(op, period=period, genesis=genesis, now=value)
        assert theirs[1] < 0 < value  # the next round "due" before 1970, after a now in the far future
        assert chain_time.next_round(genesis, period, value)[1] > value  # ours: after now, as it should be
