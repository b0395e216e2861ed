"""Exercise checkers for notebook 04 (distributed key generation)."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from ..crypto import G1
from ..errors import DKGError
from ..rng import seeded_rng
from ..threshold.dkg import FaultPlan, run_dkg
from ..threshold.poly import PriPoly, PriShare, interpolate
from .common import is_stub, report, safely

__all__ = ["check_disqualify_dealer", "check_feldman_verify", "check_shamir_split"]


def check_shamir_split(my_split: Callable[[int, int, int, int], list[tuple[int, int]]] | None) -> bool:
    """``my_split(secret, n, t, prime)``: n points (x, y), x = 1..n, any t of which give back the secret."""
    if is_stub(my_split):
        return report(False, "define my_split(secret, n, t, prime) first")

    def check() -> bool:
        prime = 1_000_003
        for n, t in ((5, 3), (7, 4), (4, 1)):
            secret = secrets.randbelow(prime)
            shares = [(int(x), int(y) % prime) for x, y in my_split(secret, n, t, prime)]
            if sorted(x for x, _ in shares) != list(range(1, n + 1)):
                return report(
                    False, "return n shares (x, f(x)) for x = 1, 2, …, n (never x = 0: that is the secret)"
                )
            rebuilt = interpolate(shares[:t], prime)
            if rebuilt.secret() != secret:
                return report(
                    False, "t of your shares do not interpolate to the secret at x = 0: is f(0) = secret?"
                )
            if any(rebuilt.evaluate(x) != y for x, y in shares):
                return report(
                    False, f"your {n} shares do not lie on one polynomial of degree t - 1 = {t - 1}"
                )
            if t >= 2 and _fewer_reveal(my_split, n, t, prime):
                return report(
                    False,
                    f"with n = {n}, t = {t}, already t - 1 = {t - 1} of your shares give the secret back: "
                    f"the polynomial needs degree t - 1 (t coefficients: the secret and t - 1 random ones)",
                )
        first = my_split(5, 5, 3, prime)
        second = my_split(5, 5, 3, prime)
        if sorted(first) == sorted(second):
            return report(
                False,
                "two splits of the same secret gave the same shares: draw the other coefficients at random",
            )
        return report(
            True,
            praise="n shares on a fresh random polynomial of degree t - 1: any t rebuild the secret, "
            "t - 1 of them do not",
        )

    return safely(check, "my_split failed")


def _fewer_reveal(my_split: Callable[[int, int, int, int], list[tuple[int, int]]], n: int, t: int,
                  prime: int) -> bool:
    """True when t - 1 shares interpolate to the secret for two fresh splits (degree too low).

    With a correct degree t - 1 polynomial this happens with probability 1/prime per split.
    """
    for _ in range(2):
        secret = secrets.randbelow(prime)
        shares = [(int(x), int(y) % prime) for x, y in my_split(secret, n, t, prime)]
        if interpolate(shares[: t - 1], prime).secret() != secret:
            return False
    return True


def check_feldman_verify(my_verify: Callable[[PriShare, object], bool] | None) -> bool:
    """``my_verify(share, commitments)``: True exactly when the share matches the public commitments."""
    if is_stub(my_verify):
        return report(False, "define my_verify(share, commitments) first")

    def check() -> bool:
        polynomial = PriPoly.random(3)
        commitments = polynomial.commit(G1)
        for index in range(4):
            share = polynomial.eval(index)
            if not my_verify(share, commitments):
                return report(
                    False, f"a correct share (index {index}) was refused: f(i + 1)·G = Σ A_k·(i + 1)^k"
                )
            forged = PriShare(index, (share.value + 1 + secrets.randbelow(1000)))
            if my_verify(forged, commitments):
                return report(
                    False, "a wrong share was accepted: compare share·G with the commitments' evaluation"
                )
            if my_verify(PriShare(index + 1, share.value), commitments):
                return report(
                    False, "a share presented with another index was accepted: x = index + 1 matters"
                )
        return report(True, praise="anyone can check a share against the dealer's public commitments")

    return safely(check, "my_verify failed")


def check_disqualify_dealer(plan: FaultPlan | None) -> bool:
    """``plan``: a FaultPlan for a 5-node DKG (t = 3) that leaves dealer 2 out of QUAL, the DKG succeeding."""
    if is_stub(plan):
        return report(
            False, "set plan = FaultPlan(...) (see its fields: silent, bad_shares, bad_commitments, …)"
        )

    def check() -> bool:
        if not isinstance(plan, FaultPlan):
            return report(False, "plan must be a drand_edu.threshold.dkg.FaultPlan")
        try:
            outcome = run_dkg(5, 3, rng=seeded_rng("exercise-disqualify"), faults=plan)
        except DKGError as exc:
            return report(
                False, f"with this plan the DKG fails for honest nodes too ({exc}); fault only dealer 2"
            )
        if 2 in outcome.qual:
            return report(
                False, f"dealer 2 is still qualified (QUAL = {list(outcome.qual)}): its fault was forgiven"
            )
        if set(outcome.qual) != {0, 1, 3, 4}:
            return report(
                False, f"QUAL = {list(outcome.qual)}: other dealers were dropped too; fault dealer 2 only"
            )
        return report(True, praise=_how_dealer_2_fell(plan))

    return safely(check, "running the DKG with your plan failed")


def _how_dealer_2_fell(plan: FaultPlan) -> str:
    """Praise that says what this plan showed, and only that."""
    if 2 in plan.silent:
        return "a dealer who sends no deal is simply not in QUAL: nobody needs to complain"
    if 2 in plan.bad_commitments:
        return "commitments that match no share make every holder complain, and no justification can help"
    if 2 in plan.bad_justifications:
        return "a complaint answered with a wrong share: the justification itself proves the cheat"
    if 2 in plan.missing_justifications and any(dealer == 2 for dealer, _ in plan.bad_shares):
        return "a bad share drew a complaint that dealer 2 left unanswered: no justification, no QUAL"
    if any(i == 2 for i, _ in plan.late | plan.bad_signatures):
        return "a bundle that is late or badly signed counts as not sent: dealer 2 is out of QUAL"
    return "dealer 2 misbehaved visibly and the honest nodes left it out of QUAL; the rest went on"
