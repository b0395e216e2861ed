"""Notebook-04 checkers and figures: a stub gets the nudge, wrong answers "not yet", right ones "correct"."""

from __future__ import annotations

import secrets
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from drand_edu.crypto import G1
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.dkg import (
    TICK_SCENARIOS,
    check_disqualify_dealer,
    check_dkg_ticks,
    check_eviction_rule,
    check_feldman_verify,
    check_shamir_split,
    check_steer_group_key,
)
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import FaultPlan, run_dkg
from drand_edu.threshold.dkg.protocol import Phase
from drand_edu.threshold.poly import PubPoly
from drand_edu.threshold.shamir import verify_share
from drand_edu.viz.dkg import plot_dkg_flow, plot_shamir_toy, toy_shares
from drand_edu.viz.figure_check import figure_problems

from .conftest import assert_exercises_in_rhythm, assert_stub_gets_the_nudge, verdict


# -- Exercise 1 (Explore): ticks ------------------------------------------------------------------
def measured_ticks() -> dict[str, int]:
    return {name: run_dkg(5, 3, rng=seeded_rng(name), **kw).clock for name, kw in TICK_SCENARIOS.items()}


def test_dkg_ticks(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_dkg_ticks, "dkg_ticks")
    ticks = measured_ticks()
    # whatever the seed (the clock is logical): drand's one phaser signals at 0, 10, 20 and 30
    assert ticks == {"slow": 20, "silent": 30, "late": 30}
    assert CORRECT in verdict(capsys, check_dkg_ticks, ticks)
    assert CORRECT in verdict(capsys, check_dkg_ticks, ("20", "30 ticks", 30))
    assert "'silent', 'late'" in verdict(capsys, check_dkg_ticks, (20, 21, 21))  # a fresh P per phase
    assert "run them" in verdict(capsys, check_dkg_ticks, {"slow": 2, "silent": 2, "late": 2})
    assert "'silent', 'late'" in verdict(capsys, check_dkg_ticks, {"slow": 20, "silent": 11, "late": 12})
    assert "missing" in verdict(capsys, check_dkg_ticks, {"slow": 20, "silent": 21})
    assert "not a number" in verdict(capsys, check_dkg_ticks, [20, 21, True])
    assert "dict" in verdict(capsys, check_dkg_ticks, 21)


# -- Exercise 2 (Implement): Shamir split ------------------------------------------------------------
def right_split(secret, n, t, prime):
    coefficients = [secret % prime] + [secrets.randbelow(prime) for _ in range(t - 1)]
    return [(x, sum(a * x**k for k, a in enumerate(coefficients)) % prime) for x in range(1, n + 1)]


def test_shamir_split(capsys) -> None:
    def deterministic(secret, n, t, prime):
        return [(x, (secret + 3 * x) % prime) for x in range(1, n + 1)]

    def secret_as_a_share(secret, n, t, prime):
        return [(x - 1, y) for x, y in right_split(secret, n, t, prime)]

    def degree_too_low(secret, n, t, prime):  # t - 1 coefficients: degree t - 2
        coefficients = [secret % prime] + [secrets.randbelow(prime) for _ in range(max(t - 2, 0))]
        return [(x, sum(a * x**k for k, a in enumerate(coefficients)) % prime) for x in range(1, n + 1)]

    def degree_too_high(secret, n, t, prime):
        return right_split(secret, n, t + 1, prime)

    def horner(secret, n, t, prime):
        coefficients = [secret] + [1 + secrets.randbelow(prime - 1) for _ in range(t - 1)]
        shares = []
        for x in range(1, n + 1):
            y = 0
            for a in reversed(coefficients):
                y = (y * x + a) % prime
            shares.append([x, y])  # lists, not tuples
        return shares[::-1]  # any order is fine

    assert_stub_gets_the_nudge(capsys, check_shamir_split, "shamir_split")
    assert "x = 1, 2" in verdict(capsys, check_shamir_split, secret_as_a_share)
    assert NOT_YET in verdict(capsys, check_shamir_split, deterministic)
    low = verdict(capsys, check_shamir_split, degree_too_low)
    assert "already t - 1" in low and "degree is too low" in low and "correct" not in low
    assert "do not interpolate" in verdict(capsys, check_shamir_split, degree_too_high)
    assert CORRECT in verdict(capsys, check_shamir_split, right_split)
    assert CORRECT in verdict(capsys, check_shamir_split, horner)


# -- Exercise 3 (Implement): Feldman, for a final DKG share -------------------------------------------
def right_feldman(share, dealer_commitments):
    x = share.index + 1
    expected = G1.identity()
    for commits in dealer_commitments:
        for k, commit in enumerate(commits):
            expected = expected + commit * pow(x, k)
    return G1.generator() * share.value == expected


def right_feldman_summed_polynomial(share, dealer_commitments):
    total = [G1.sum(column) for column in zip(*dealer_commitments, strict=True)]
    return verify_share(share, PubPoly(G1, tuple(total)))


def test_feldman_verify(capsys) -> None:
    def index_as_x(share, dealer_commitments):
        x = share.index
        expected = G1.identity()
        for commits in dealer_commitments:
            for k, commit in enumerate(commits):
                expected = expected + commit * pow(x, k)
        return G1.generator() * share.value == expected

    def first_dealer_only(share, dealer_commitments):
        return verify_share(share, PubPoly(G1, tuple(dealer_commitments[0])))

    assert_stub_gets_the_nudge(capsys, check_feldman_verify, "feldman_verify")
    assert "was accepted" in verdict(capsys, check_feldman_verify, lambda s, c: True)
    assert "refused" in verdict(capsys, check_feldman_verify, index_as_x)
    assert "every dealer counts" in verdict(capsys, check_feldman_verify, first_dealer_only)
    assert "refused" in verdict(capsys, check_feldman_verify, lambda s, c: False)
    assert CORRECT in verdict(capsys, check_feldman_verify, right_feldman)
    assert CORRECT in verdict(capsys, check_feldman_verify, right_feldman_summed_polynomial)


# -- Exercise 4 (Break): dealer 2 out of QUAL --------------------------------------------------------
def test_disqualify_dealer_right_answers_get_praise_that_fits(capsys) -> None:
    unanswered = verdict(
        capsys, check_disqualify_dealer, FaultPlan(bad_shares={(2, 0)}, missing_justifications={2})
    )
    assert CORRECT in unanswered and "1 complaint and no answer" in unanswered
    lied = verdict(capsys, check_disqualify_dealer, FaultPlan(bad_shares={(2, 4)}, bad_justifications={2}))
    assert CORRECT in lied and "does not match the commitments" in lied
    commitments = verdict(capsys, check_disqualify_dealer, FaultPlan(bad_commitments={2}))
    assert CORRECT in commitments and "evicted in the response phase" in commitments
    three = verdict(capsys, check_disqualify_dealer, FaultPlan(bad_shares={(2, 0), (2, 1), (2, 3)}))
    assert CORRECT in three and "3 complaints" in three
    late = FaultPlan(bad_shares={(2, 4)}, late={(2, Phase.JUSTIFICATION)})
    assert "justification did not count (late)" in verdict(capsys, check_disqualify_dealer, late)
    declined = FaultPlan(bad_shares={(2, 1)}, justify=lambda choice: False)
    assert "chose not to justify" in verdict(capsys, check_disqualify_dealer, declined)


def test_disqualify_dealer_wrong_answers(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_disqualify_dealer, "disqualify_dealer")
    silent = verdict(capsys, check_disqualify_dealer, FaultPlan(silent={2}))
    assert NOT_YET in silent and "never counted (silent dealer)" in silent
    late = verdict(capsys, check_disqualify_dealer, FaultPlan(late={(2, Phase.DEAL)}))
    assert NOT_YET in late and "late" in late
    assert "bad signature" in verdict(
        capsys, check_disqualify_dealer, FaultPlan(bad_signatures={(2, Phase.DEAL)})
    )
    assert "still qualified" in verdict(capsys, check_disqualify_dealer, FaultPlan(bad_shares={(2, 4)}))
    assert "still qualified" in verdict(capsys, check_disqualify_dealer, FaultPlan(forged_deals={2}))
    assert "fails" in verdict(capsys, check_disqualify_dealer, FaultPlan(silent={0, 1, 2}))
    both = FaultPlan(bad_commitments={1, 2})
    assert "other dealers" in verdict(capsys, check_disqualify_dealer, both)
    assert "FaultPlan" in verdict(capsys, check_disqualify_dealer, {"bad_commitments": {2}})


# -- Exercise 5 (Break): steer the group key -------------------------------------------------------------
def smaller_first(choice) -> bool:
    with_me, without_me = choice.keys()
    return with_me.to_bytes() < without_me.to_bytes()


def test_steer_group_key_right_answers(capsys) -> None:
    # the accused dealer compares the two keys it can reach and picks the one that sorts first
    plan = FaultPlan(bad_shares={(2, 4)}, justify=smaller_first)
    assert CORRECT in verdict(capsys, check_steer_group_key, plan)
    other_dealer = FaultPlan(
        bad_shares={(1, 3)}, justify=lambda c: c.key(True).to_bytes() <= c.key(False).to_bytes()
    )
    assert CORRECT in verdict(capsys, check_steer_group_key, other_dealer)


def test_steer_group_key_wrong_answers(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_steer_group_key, "steer_group_key")
    assert "FaultPlan" in verdict(capsys, check_steer_group_key, "plan")
    assert "justify=" in verdict(capsys, check_steer_group_key, FaultPlan(bad_shares={(2, 4)}))
    # a constant choice is right on some DKGs only: the checker runs until it has seen both cases
    for constant in (True, False):
        plan = FaultPlan(bad_shares={(2, 4)}, justify=lambda c, v=constant: v)
        assert "sorts *last*" in verdict(capsys, check_steer_group_key, plan)
    largest = FaultPlan(bad_shares={(2, 4)}, justify=lambda c: not smaller_first(c))
    assert "sorts *last*" in verdict(capsys, check_steer_group_key, largest)
    assert "never called" in verdict(capsys, check_steer_group_key, FaultPlan(justify=smaller_first))
    two = FaultPlan(bad_shares={(2, 4), (1, 3)}, justify=smaller_first)
    assert "more than one dealer" in verdict(capsys, check_steer_group_key, two)


# -- Exercise 6 (Connect): kyber's eviction rule -----------------------------------------------------------
def test_eviction_rule(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_eviction_rule, "eviction_rule")
    assert CORRECT in verdict(capsys, check_eviction_rule, lambda c, n, t: c >= t)
    assert CORRECT in verdict(capsys, check_eviction_rule, lambda c, n, t: int(not c < t))
    assert "strict or not" in verdict(capsys, check_eviction_rule, lambda c, n, t: c > t)
    assert "strict or not" in verdict(capsys, check_eviction_rule, lambda c, n, t: c > n // 2)
    assert "strict or not" in verdict(capsys, check_eviction_rule, lambda c, n, t: c >= n - t + 1)
    assert "strict or not" in verdict(capsys, check_eviction_rule, lambda c, n, t: c >= 1)
    assert "True or False" in verdict(capsys, check_eviction_rule, lambda c, n, t: "yes")


def test_the_log_keeps_complaints() -> None:
    outcome = run_dkg(5, 3, rng=seeded_rng(3), faults=FaultPlan(bad_shares={(2, 4)}, bad_justifications={2}))
    complaints = {e.author: e.complaints for e in outcome.log if e.kind == "response"}
    assert complaints == {0: (), 1: (), 2: (), 3: (), 4: (2,)}


# -- the figures of notebook 04 ----------------------------------------------------------------------------
FLOWS = {
    "honest": FaultPlan(),
    "cheat": FaultPlan(bad_shares={(2, 4)}, bad_justifications={2}),
    "silent": FaultPlan(silent={1}),
    "late": FaultPlan(late={(3, Phase.RESPONSE)}),
    "commitments": FaultPlan(bad_commitments={2}),
}


@pytest.mark.parametrize("name", FLOWS)
def test_dkg_flow_shows_time_from_zero_and_a_legend_that_covers_nothing(name: str) -> None:
    outcome = run_dkg(5, 3, rng=seeded_rng(name), faults=FLOWS[name])
    fig = plot_dkg_flow(outcome)
    (ax,) = fig.axes
    assert figure_problems(fig) == []
    low, high = sorted(ax.get_ylim())
    ticks = [t for t in ax.get_yticks() if low <= t <= high]
    assert min(ticks) == 0 and all(t >= 0 and t == int(t) for t in ticks), ticks  # no negative tick
    assert low <= 0 and high >= outcome.clock  # nothing cut: the whole run, from tick 0 to its end
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert not legend.overlaps(ax.get_window_extent(renderer))  # outside the axes
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels(), *ax.texts]:
        if label.get_text():
            assert not legend.overlaps(label.get_window_extent(renderer)), label.get_text()
    plt.close(fig)


def test_dkg_flow_labels_the_complaint_and_the_justification() -> None:
    outcome = run_dkg(5, 3, rng=seeded_rng(4), faults=FLOWS["cheat"])
    fig = plot_dkg_flow(outcome)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "node 4 complains about dealer 2" in texts
    assert "justification from 2 (rejected: out of QUAL)" in texts
    assert "node 2\nnot in QUAL" in [t.get_text() for t in fig.axes[0].get_xticklabels()]
    plt.close(fig)
    silent = plot_dkg_flow(run_dkg(5, 3, rng=seeded_rng(5), faults=FLOWS["silent"]))
    texts = [t.get_text() for t in silent.axes[0].texts]
    assert "deal: silent dealer" in texts and "nodes 0, 2, 3, 4 complain about dealer 1" in texts
    assert {"deal phase", "response phase", "justification phase"} <= set(texts)  # even an empty phase
    # the one phaser: the justification phase that nobody answers ends at its finish signal, 3P
    assert "phaser: finish at 30" in texts and "done at tick 30" in texts
    plt.close(silent)


def test_shamir_figure() -> None:
    polynomial, shares = toy_shares(42, 5, 3, 97)
    assert polynomial.secret() == 42 and [s.index for s in shares] == [0, 1, 2, 3, 4]
    fig = plot_shamir_toy()
    (ax,) = fig.axes
    assert figure_problems(fig) == [] and min(ax.get_ylim()) <= 0
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert not ax.get_legend().get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
    assert "used to rebuild: x = 3, 4, 5" in [
        t.get_text() for t in ax.get_legend().get_texts()
    ]  # x = index + 1
    plt.close(fig)


def test_the_notebook_exercises_keep_the_rhythm_and_name_their_hints() -> None:
    assert_exercises_in_rhythm(Path(__file__).resolve().parent.parent / "notebooks" / "src" / "04_dkg.py")
