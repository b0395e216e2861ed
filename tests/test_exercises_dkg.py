"""Notebook-04 checkers and figures: stubs and wrong answers get "not yet", right answers "correct"."""

from __future__ import annotations

import secrets

import matplotlib

matplotlib.use("Agg")

from drand_edu.crypto import G1
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.dkg import (
    check_disqualify_dealer,
    check_feldman_verify,
    check_shamir_split,
    check_steer_group_key,
)
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import FaultPlan, run_dkg
from drand_edu.viz.dkg import plot_dkg_flow, plot_shamir_toy, toy_shares

from .conftest import verdict


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

    def horner(secret, n, t, prime):
        coefficients = [secret] + [1 + secrets.randbelow(prime - 1) for _ in range(t - 1)]
        shares = []
        for x in range(1, n + 1):
            y = 0
            for a in reversed(coefficients):
                y = (y * x + a) % prime
            shares.append((x, y))
        return shares[::-1]  # any order is fine

    assert NOT_YET in verdict(capsys, check_shamir_split, None)
    assert "x = 1, 2" in verdict(capsys, check_shamir_split, secret_as_a_share)
    assert NOT_YET in verdict(capsys, check_shamir_split, deterministic)
    assert "t - 1" in verdict(capsys, check_shamir_split, degree_too_low)
    assert CORRECT in verdict(capsys, check_shamir_split, right_split)
    assert CORRECT in verdict(capsys, check_shamir_split, horner)


def test_feldman_verify(capsys) -> None:
    def right(share, commitments):
        x = share.index + 1
        expected = G1.identity()
        for k, commit in enumerate(commitments.commits):
            expected = expected + commit * pow(x, k)
        return G1.generator() * share.value == expected

    def index_off_by_one(share, commitments):
        x = share.index
        expected = G1.identity()
        for k, commit in enumerate(commitments.commits):
            expected = expected + commit * pow(x, k)
        return G1.generator() * share.value == expected

    assert NOT_YET in verdict(capsys, check_feldman_verify, None)
    assert NOT_YET in verdict(capsys, check_feldman_verify, lambda s, c: True)
    assert NOT_YET in verdict(capsys, check_feldman_verify, index_off_by_one)
    assert CORRECT in verdict(capsys, check_feldman_verify, right)


def test_disqualify_dealer(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_disqualify_dealer, None)
    assert "still qualified" in verdict(capsys, check_disqualify_dealer, FaultPlan(bad_shares={(2, 4)}))
    assert "fails" in verdict(capsys, check_disqualify_dealer, FaultPlan(silent={0, 1, 2}))
    assert "other dealers" in verdict(capsys, check_disqualify_dealer, FaultPlan(silent={1, 2}))
    silent = verdict(capsys, check_disqualify_dealer, FaultPlan(silent={2}))
    assert CORRECT in silent and "complain" not in silent.replace("nobody needs to complain", "")
    assert "commitments" in verdict(capsys, check_disqualify_dealer, FaultPlan(bad_commitments={2}))
    unanswered = FaultPlan(bad_shares={(2, 0)}, missing_justifications={2})
    assert "unanswered" in verdict(capsys, check_disqualify_dealer, unanswered)


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
    assert NOT_YET in verdict(capsys, check_steer_group_key, None)
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


def test_figures() -> None:
    polynomial, shares = toy_shares(42, 5, 3, 97)
    assert polynomial.secret() == 42 and [s.index for s in shares] == [0, 1, 2, 3, 4]
    assert plot_shamir_toy().axes
    outcome = run_dkg(4, 3, rng=seeded_rng(1), faults=FaultPlan(silent={3}))
    assert plot_dkg_flow(outcome).axes
