"""Exercise checkers for notebook 04 (distributed key generation)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace

from ..crypto import G1
from ..errors import DKGError
from ..rng import seeded_rng
from ..threshold.dkg import FaultPlan, run_dkg
from ..threshold.poly import PriPoly, PriShare, interpolate
from .common import is_stub, report, safely

__all__ = ["check_disqualify_dealer", "check_feldman_verify", "check_shamir_split", "check_steer_group_key"]


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


#: :func:`check_steer_group_key` runs seeded DKGs until it has seen both cases — the key that sorts
#: first is the one *with* the accused dealer, and the one *without* it — so that neither "always
#: justify" nor "never justify" passes; at least ``STEER_MIN_RUNS``, at most ``STEER_MAX_RUNS``.
STEER_MIN_RUNS, STEER_MAX_RUNS = 3, 8


def check_steer_group_key(plan: FaultPlan | None) -> bool:
    """``plan``: a FaultPlan with which a dealer who drew a complaint steers a 5-node DKG (t = 3).

    Its ``justify`` callback decides, after seeing every commitment, whether to answer the
    complaint. Correct when, on each of several seeded DKGs, the run ends with the group key whose
    compressed bytes sort first of the two the dealer could reach (justify, or stay silent and be
    disqualified), a single dealer was asked, and all honest nodes agree on the key.
    """
    if is_stub(plan):
        return report(False, "set plan = FaultPlan(bad_shares={(dealer, holder)}, justify=your_function)")

    def check() -> bool:
        if not isinstance(plan, FaultPlan):
            return report(False, "plan must be a drand_edu.threshold.dkg.FaultPlan")
        if plan.justify is None:
            return report(
                False, "give the plan a justify=... callback: it decides whether the accused dealer answers"
            )
        learner_justify = plan.justify
        cases: set[bool] = set()
        for run in range(STEER_MAX_RUNS):
            if run >= STEER_MIN_RUNS and len(cases) == 2:
                break
            seed = f"exercise-steer-{run}"
            asked: list = []

            def spy(choice, asked=asked):
                asked.append(choice)
                return bool(learner_justify(choice))

            try:
                outcome = run_dkg(5, 3, rng=seeded_rng(seed), faults=replace(plan, justify=spy))
            except DKGError as exc:
                return report(False, f"with this plan the honest nodes do not finish ({exc})")
            if not asked:
                return report(
                    False,
                    "justify was never called: no faulty dealer drew a complaint. Make one dealer send a "
                    "wrong share to one holder (bad_shares), so that it has a choice to make",
                )
            if len(asked) > 1:
                return report(False, "more than one dealer was asked to choose: let a single dealer steer")
            if not _honest_agree(outcome):
                return report(False, "the honest nodes do not agree on the group key")
            with_dealer, without = (key.to_bytes() for key in asked[0].keys())
            if with_dealer == without:
                return report(False, "justifying or not gives the same key here: fault a dealer of QUAL")
            if run == 0 and not _both_reachable(plan, seed, {with_dealer, without}):
                return report(False, "the two keys on offer are not the ones justifying or not gives")
            cases.add(with_dealer < without)
            if outcome.group_key.to_bytes() != min(with_dealer, without):
                return report(
                    False,
                    "on some DKG yours ended with the key that sorts *last*. Compare the two keys the choice "
                    "offers (choice.keys(): with the dealer, without it) by their compressed bytes",
                )
        return report(
            True,
            praise="one dealer picked the group key after seeing every commitment, and every honest node "
            "agreed: Joint-Feldman's bias",
        )

    return safely(check, "running the DKG with your plan failed")


def _both_reachable(plan: FaultPlan, seed: str, keys: set[bytes]) -> bool:
    """The two keys the choice offered are the ones a DKG really ends with, justifying or not."""
    reached = set()
    for answer in (True, False):
        outcome = run_dkg(5, 3, rng=seeded_rng(seed), faults=replace(plan, justify=_always(answer)))
        reached.add(outcome.group_key.to_bytes())
    return reached == keys


def _always(answer: bool):
    return lambda _choice: answer


def _honest_agree(outcome) -> bool:
    results = [outcome.results.get(i) for i in outcome.honest]
    if not outcome.ok or not results or any(r is None for r in results):
        return False
    return all(r.public_equal(results[0]) for r in results)
