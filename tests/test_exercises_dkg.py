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

# -- Exercise 1 (Explore): what one fault costs, phase by phase ------------------------------------------
RIGHT_PLANS = {
    "free": FaultPlan(late={(1, Phase.JUSTIFICATION)}),
    "deal_waits": FaultPlan(silent={1}),
    "response_waits": FaultPlan(late={(1, Phase.RESPONSE)}),
}


def measured(plans) -> dict[str, int]:
    """The tick each plan's response phase ends at, read off the run as a learner would."""
    ends = {}
    for kind, plan in plans.items():
        outcome = run_dkg(5, 3, rng=seeded_rng(kind), faults=plan)
        ends[kind] = next(end for phase, _, end in outcome.phase_times if phase == Phase.RESPONSE)
    return ends


def test_dkg_ticks(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_dkg_ticks, "dkg_ticks")
    ticks = measured(RIGHT_PLANS)
    assert ticks == {"free": 2, "deal_waits": 11, "response_waits": 20}  # whatever the seed: a logical clock
    out = verdict(capsys, check_dkg_ticks, RIGHT_PLANS, ticks)
    assert CORRECT in out and "2P" in out and "fixed offset from kickoff" in out
    other_answers = {
        "free": FaultPlan(forged_deals={3}),  # an attacker's tampered copy, dropped on arrival
        "deal_waits": FaultPlan(late={(0, Phase.DEAL)}),  # a deal after the deal phase's signal
        "response_waits": FaultPlan(late={(4, Phase.RESPONSE)}),  # another holder's late response
    }
    assert CORRECT in verdict(capsys, check_dkg_ticks, other_answers, measured(other_answers))
    # numbers of ticks in any plain spelling
    assert CORRECT in verdict(
        capsys, check_dkg_ticks, RIGHT_PLANS, {"free": 2.0, "deal_waits": "11 ticks", "response_waits": 20.0}
    )


def test_dkg_ticks_wrong_answers(capsys) -> None:
    ticks = measured(RIGHT_PLANS)

    def plans(**changed):
        return {**RIGHT_PLANS, **changed}

    # the hurried engineer's model: a timeout restarted when each phase begins (1 + P = 11, not 2P = 20)
    restarted = verdict(capsys, check_dkg_ticks, RIGHT_PLANS, {**ticks, "response_waits": 11})
    assert NOT_YET in restarted and "TimePhaser" in restarted and "0, P, 2P, 3P" in restarted
    # ... and the same model the other way: a deal phase that waited pushes the response phase to 2P
    assert "does not end at tick 20" in verdict(
        capsys, check_dkg_ticks, RIGHT_PLANS, {**ticks, "deal_waits": 20}
    )
    # the total (3P) instead of the response phase's end
    assert "does not end at tick 30" in verdict(
        capsys, check_dkg_ticks, RIGHT_PLANS, {**ticks, "deal_waits": 30}
    )
    assert "exactly one node" in verdict(capsys, check_dkg_ticks, plans(free=FaultPlan()), ticks)
    assert "exactly one node" in verdict(
        capsys, check_dkg_ticks, plans(deal_waits=FaultPlan(silent={1, 2})), ticks
    )
    # a wrong share makes nobody wait in the deal phase: fast sync had every deal
    assert "Which deal bundle" in verdict(
        capsys, check_dkg_ticks, plans(deal_waits=FaultPlan(bad_shares={(1, 4)})), ticks
    )
    # a silent dealer makes the deal phase wait, not only the response phase
    assert "the deal phase waits too" in verdict(
        capsys, check_dkg_ticks, plans(response_waits=FaultPlan(silent={1})), ticks
    )
    # a response with a bad signature is dropped at once: nobody waits for it
    assert "did not wait" in verdict(
        capsys, check_dkg_ticks, plans(response_waits=FaultPlan(bad_signatures={(1, Phase.RESPONSE)})), ticks
    )
    assert "not 2" in verdict(capsys, check_dkg_ticks, plans(free=FaultPlan(bad_shares={(1, 4)})), ticks)
    assert "not a number" in verdict(capsys, check_dkg_ticks, RIGHT_PLANS, {**ticks, "free": True})
    assert "not a number" in verdict(capsys, check_dkg_ticks, RIGHT_PLANS, {**ticks, "free": 2.5})
    assert "keys" in verdict(capsys, check_dkg_ticks, {"free": RIGHT_PLANS["free"]}, ticks)
    assert "your measurements" in verdict(capsys, check_dkg_ticks, RIGHT_PLANS, None)


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
    assert "already t - 1" in low and "degree is below" in low and "correct" not in low
    assert "do not interpolate" in verdict(capsys, check_shamir_split, degree_too_high)
    assert CORRECT in verdict(capsys, check_shamir_split, right_split)
    assert CORRECT in verdict(capsys, check_shamir_split, horner)


def _split_with(draw, reduce=True):
    """A Shamir split as learners write it, with their own way of drawing the coefficients."""

    def split(secret, n, t, prime):
        coefficients = [secret % prime, *draw(secret, t, prime)]
        values = [(x, sum(a * x**k for k, a in enumerate(coefficients))) for x in range(1, n + 1)]
        return [(x, y % prime if reduce else y) for x, y in values]

    return split


def test_shamir_split_is_checked_as_a_secret_sharing(capsys) -> None:
    """Insecure splits that t shares still rebuild: each is refused, and says why."""
    import hashlib
    import random

    def fresh(secret, t, prime):
        return [secrets.randbelow(prime) for _ in range(t - 1)]

    def one_coefficient_reused(secret, t, prime):  # a plausible shortcut: one random number for every term
        a = secrets.randbelow(prime)
        return [a] * (t - 1)

    def small_range(secret, t, prime):
        return [secrets.randbelow(1000) for _ in range(t - 1)]

    def fixed_seed(secret, t, prime):  # "reproducible" shares
        chooser = random.Random(2024)
        return [chooser.randrange(prime) for _ in range(t - 1)]

    def from_the_secret(secret, t, prime):  # looks random, but is a function of the secret
        return [
            int.from_bytes(hashlib.sha256(f"{secret}-{k}".encode()).digest(), "big") % prime
            for k in range(t - 1)
        ]

    def mersenne(secret, t, prime):  # random's generator, unseeded
        return [random.randrange(prime) for _ in range(t - 1)]

    def system_random(secret, t, prime):
        return [random.SystemRandom().randrange(prime) for _ in range(t - 1)]

    assert CORRECT in verdict(capsys, check_shamir_split, _split_with(fresh))
    assert CORRECT in verdict(capsys, check_shamir_split, _split_with(system_random))
    assert "not reduced mod prime" in verdict(capsys, check_shamir_split, _split_with(fresh, reduce=False))
    reused = verdict(capsys, check_shamir_split, _split_with(one_coefficient_reused))
    assert "reuses one random coefficient" in reused, reused
    assert "small range" in verdict(capsys, check_shamir_split, _split_with(small_range))
    assert "same random coefficients" in verdict(capsys, check_shamir_split, _split_with(fixed_seed))
    assert "same random coefficients" in verdict(capsys, check_shamir_split, _split_with(from_the_secret))
    assert "Mersenne" in verdict(capsys, check_shamir_split, _split_with(mersenne))


def test_t_minus_1_shares_are_tested_against_every_secret(capsys) -> None:
    """The enumeration mod 7 on its own: a reused coefficient leaves 7 of 49 pairs, a fresh one all 49."""
    from drand_edu.exercises.dkg import _tiny_prime_problem

    def reused(secret, n, t, prime):
        a = secrets.randbelow(prime)
        return [(x, (secret + sum(a * x**k for k in range(1, t))) % prime) for x in range(1, n + 1)]

    out = _tiny_prime_problem(reused)
    assert out and "only ever took 7 of the 49" in out
    assert _tiny_prime_problem(right_split) is None


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

    def any_dealer_will_do(share, dealer_commitments):  # insecure-but-plausible: one dealer's term passes
        polys = [PubPoly(G1, tuple(c)) for c in dealer_commitments]
        return right_feldman(share, dealer_commitments) or any(verify_share(share, p) for p in polys)

    assert "dealer 0 alone" in verdict(capsys, check_feldman_verify, any_dealer_will_do)
    raised = verdict(capsys, check_feldman_verify, lambda share, commitments: share.value / 0)
    assert "my_check failed (your code raised ZeroDivisionError" in raised  # the notebook's own name


def test_dkg_hints_nudge_first_and_end_with_the_recipe(capsys) -> None:
    from .conftest import hints_shown

    for name, recipe in (("dkg_ticks", "FaultPlan(late={(1, Phase.RESPONSE)})"),
                         ("disqualify_dealer", "{(2, 0), (2, 1), (2, 3)}"),
                         ("shamir_split", "secrets.randbelow(prime)")):  # fmt: skip
        shown = hints_shown(capsys, name)
        assert recipe not in shown[0] and recipe in shown[-1], name


# -- Exercise 4 (Break): dealer 2 out of QUAL --------------------------------------------------------
def test_disqualify_dealer_right_answers(capsys) -> None:
    for holders in ({0, 1, 3}, {1, 3, 4}, {0, 3, 4}):  # any t holders other than the dealer itself
        out = verdict(capsys, check_disqualify_dealer, FaultPlan(bad_shares={(2, h) for h in holders}))
        assert CORRECT in out and "3 complaints = t" in out and "response phase" in out


def test_disqualify_dealer_wrong_answers(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_disqualify_dealer, "disqualify_dealer")
    # the answers of the old exercise, and merely absent dealers: not the fault this exercise allows
    for plan in (
        FaultPlan(silent={2}),
        FaultPlan(late={(2, Phase.DEAL)}),
        FaultPlan(late={(2, Phase.RESPONSE)}),  # nobody complained: dealer 2 was only absent
        FaultPlan(bad_signatures={(2, Phase.RESPONSE)}),
        FaultPlan(bad_shares={(2, 4)}, missing_justifications={2}),
        FaultPlan(bad_shares={(2, 4)}, bad_justifications={2}),
        FaultPlan(bad_commitments={2}),
        FaultPlan(bad_shares={(2, 1)}, justify=lambda choice: False),  # declines to answer
        FaultPlan(bad_shares={(1, 0), (1, 3), (1, 4)}),  # the wrong dealer
    ):
        assert "only fault allowed" in verdict(capsys, check_disqualify_dealer, plan), plan
    assert "forgiven" in verdict(capsys, check_disqualify_dealer, FaultPlan(bad_shares={(2, 4)}))
    two = verdict(capsys, check_disqualify_dealer, FaultPlan(bad_shares={(2, 3), (2, 4)}))
    assert "2 complaint(s)" in two and "forgiven" in two
    # a wrong share to itself is no complaint: still two
    assert "forgiven" in verdict(
        capsys, check_disqualify_dealer, FaultPlan(bad_shares={(2, 2), (2, 3), (2, 4)})
    )
    assert "fewest" in verdict(
        capsys, check_disqualify_dealer, FaultPlan(bad_shares={(2, h) for h in (0, 1, 3, 4)})
    )
    assert "FaultPlan" in verdict(capsys, check_disqualify_dealer, {"bad_shares": {(2, 1)}})


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
