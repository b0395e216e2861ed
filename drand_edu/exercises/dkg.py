"""Exercise checkers for notebook 04 (distributed key generation).

They run the learner's function (or plan) on fresh random polynomials and seeded DKGs and judge what
happened, so passing means "behaves like the DKG", not "matches a stored answer". Each exercise
registers its hints in steps next to its checker (``drand_edu.exercises.hint("<name>")``).
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from unittest import mock

from ..crypto import G1
from ..crypto.groups import Point
from ..errors import DKGError
from ..rng import seeded_rng
from ..threshold.dkg import DKGOutcome, FaultPlan, run_dkg
from ..threshold.dkg.protocol import Phase
from ..threshold.poly import PriPoly, PriShare, interpolate
from .common import Verdict, nudge_if_stub, register_hints, report, safely

_RNG = secrets.SystemRandom()

__all__ = [
    "check_disqualify_dealer",
    "check_dkg_ticks",
    "check_eviction_rule",
    "check_feldman_verify",
    "check_shamir_split",
    "check_steer_group_key",
]


# -- Exercise 1 (Explore): what one fault costs a DKG, phase by phase -----------------------------------
#: The three kinds of fault of the exercise: one node each, in a 5-node DKG with t = 3 and fast sync.
TICK_KINDS = ("free", "deal_waits", "response_waits")
#: what a per-phase timeout (a fresh P for every phase, the model drand does NOT use) would predict for the
#: end of a response phase that waits, after a deal phase that ended at tick 1: 1 + P
_RESTARTED_TIMEOUT_GUESS = 1 + 10

register_hints(
    "dkg_ticks",
    "Read FaultPlan's fields (help(FaultPlan)) and try one fault of one node at a time: print "
    "run_dkg(5, 3, rng=rng, faults=FaultPlan(...)).phase_times — (phase, start, end) per phase. Which "
    "fault makes the deal phase wait, which one the response phase?",
    "A phase ends early (fast sync) only when every bundle it expects is in: a deal that never comes makes "
    "the deal phase wait, a response that comes too late makes the response phase wait. Wait until when? "
    "Read the end ticks off phase_times: drand's phaser signals at fixed offsets from kickoff.",
    "plans = {'free': FaultPlan(late={(1, Phase.JUSTIFICATION)}), "
    "'deal_waits': FaultPlan(silent={1}), "
    "'response_waits': FaultPlan(late={(1, Phase.RESPONSE)})}; "
    "ticks = {'free': 2, 'deal_waits': 11, 'response_waits': 20} (the response phase's end: 2P, not 1 + P)",
)


def _single_fault_plans(node: int = 1) -> list[FaultPlan]:
    """Every kind of fault one node can make in the driver."""
    holders = [h for h in range(5) if h != node]
    plans = [FaultPlan(silent={node}), FaultPlan(bad_commitments={node}), FaultPlan(forged_deals={node})]
    for phase in (Phase.DEAL, Phase.RESPONSE, Phase.JUSTIFICATION):
        plans += [FaultPlan(late={(node, phase)}), FaultPlan(bad_signatures={(node, phase)})]
    for count in range(1, len(holders) + 1):
        bad = {(node, h) for h in holders[:count]}
        plans += [
            FaultPlan(bad_shares=bad),
            FaultPlan(bad_shares=bad, bad_justifications={node}),
            FaultPlan(bad_shares=bad, missing_justifications={node}),
            FaultPlan(bad_shares=bad, late={(node, Phase.JUSTIFICATION)}),
        ]
    return plans


def _tick_number(value: Any) -> int | None:
    """``21``, ``21.0``, ``"21"``, ``"21 ticks"`` → 21 (a count read off a run); anything else → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if value == int(value) else None
    found = re.fullmatch(r"\s*(\d+)(?:\.0*)?\s*(ticks?)?\s*", str(value))
    return int(found.group(1)) if found else None


def _faulty_nodes(plan: FaultPlan) -> set[int]:
    return plan.faulty_dealers() | plan.faulty_holders() | set(plan.forged_deals)


def _phase_end(outcome: DKGOutcome, phase: Phase) -> int | None:
    return next((end for p, _, end in outcome.phase_times if p == phase), None)


def check_dkg_ticks(plans: Any, ticks: Any = None) -> Verdict:
    """``plans``: three FaultPlans of ONE faulty node each for a 5-node DKG (t = 3, fast sync) that still
    succeeds — ``"free"`` ends at the honest tick; ``"deal_waits"`` makes the deal phase wait for the
    phaser's signal; ``"response_waits"`` makes the response phase (and not the deal phase) wait for it.
    ``ticks``: for each plan, the tick at which its *response phase* ended (read off ``.phase_times``).

    Every tick is measured here, so the answer is found by experiment; the numbers teach drand's phaser
    (one ``TimePhaser`` from kickoff: signals at 0, P, 2P, 3P) against a restarted per-phase timeout.
    """
    if nudge_if_stub(plans, "dkg_ticks"):
        return Verdict(False)

    def check() -> bool:
        if not isinstance(plans, dict) or sorted(plans) != sorted(TICK_KINDS):
            return report(False, f"plans must be a dict with the keys {list(TICK_KINDS)}")
        if not isinstance(ticks, dict) or sorted(ticks) != sorted(TICK_KINDS):
            return report(False, f"ticks must be a dict with the keys {list(TICK_KINDS)}: your measurements")
        honest = run_dkg(5, 3, rng=seeded_rng("ticks-honest"))
        period = honest.phase_timeout
        measured = {}
        for kind in TICK_KINDS:
            plan = plans[kind]
            if not isinstance(plan, FaultPlan):
                return report(False, f"plans[{kind!r}] must be a FaultPlan")
            if len(_faulty_nodes(plan)) != 1:
                return report(
                    False, f"plans[{kind!r}]: fault exactly one node (yours: {sorted(_faulty_nodes(plan))})"
                )
            try:
                outcome = run_dkg(5, 3, rng=seeded_rng(f"ticks-{kind}"), faults=plan)
            except DKGError as exc:
                return report(
                    False, f"with plans[{kind!r}] the DKG fails ({exc}): one fault, and it succeeds"
                )
            deal_end, response_end = _phase_end(outcome, Phase.DEAL), _phase_end(outcome, Phase.RESPONSE)
            measured[kind] = response_end
            if kind == "free" and outcome.clock != honest.clock:
                return report(
                    False, f"plans['free'] ends at tick {outcome.clock}, not {honest.clock} as an honest DKG"
                )
            if kind == "deal_waits" and deal_end != period:
                return report(
                    False,
                    f"with plans['deal_waits'] the deal phase ends at tick {deal_end}: fast sync moved on "
                    "because every deal was in. Which deal bundle, if it never comes, makes it wait?",
                )
            if kind == "response_waits" and (deal_end == period or response_end != 2 * period):
                where = (
                    "the deal phase waits too" if deal_end == period else "the response phase did not wait"
                )
                return report(
                    False,
                    f"with plans['response_waits'] {where}: fault a bundle of the response phase itself",
                )
        for kind in TICK_KINDS:
            said = _tick_number(ticks[kind])
            if said is None:
                return report(False, f"ticks[{kind!r}] = {ticks[kind]!r} is not a number of ticks")
            if said != measured[kind]:
                if kind == "response_waits" and said == _RESTARTED_TIMEOUT_GUESS:
                    return report(
                        False,
                        f"ticks['response_waits']: {said} = 1 + P is a timeout restarted when the phase "
                        "began, which is not drand's: startDKGExecution starts ONE kyber TimePhaser at "
                        "kickoff, whose signals come at fixed offsets 0, P, 2P, 3P. Run it and read "
                        ".phase_times",
                    )
                return report(
                    False,
                    f"ticks[{kind!r}]: your plan's response phase does not end at tick {said}: run it and "
                    "read .phase_times",
                )
        return report(
            True,
            praise=f"measured: the response phase ends at {measured['free']}, {measured['deal_waits']} and "
            f"{measured['response_waits']}. Fast sync only moves a node forward, as soon as a phase's "
            f"bundles are all in (tick {measured['deal_waits']}: one tick after the deal phase's wait); a "
            f"phase that waits ends at the phaser's next signal, at a fixed offset from kickoff "
            f"({2 * period} = 2P), never a fresh P after it began; and a complaint's justification phase "
            "runs to 3P",
        )

    return safely(check, "running your plans failed")


# -- Exercise 2 (Implement): Shamir split -----------------------------------------------------------
register_hints(
    "shamir_split",
    "A share is a point (x, f(x)) of a polynomial f with f(0) = secret. How many coefficients does a "
    "polynomial need so that t points fix it, but t - 1 do not?",
    "t coefficients: a_0 = secret, then t - 1 random ones (secrets.randbelow(prime)); evaluate at x = 1, "
    "…, n (never 0) and reduce mod prime.",
    "coefficients = [secret % prime] + [secrets.randbelow(prime) for _ in range(t - 1)]; return [(x, "
    "sum(a * x**k for k, a in enumerate(coefficients)) % prime) for x in range(1, n + 1)]",
)


#: The primes of :func:`check_shamir_split`: one as in the task, a large one to read the coefficients
#: (2^127 − 1: a fresh uniform coefficient is below 2^100 with probability 2^-27), a tiny one to enumerate
#: what t − 1 shares can be.
_SPLIT_PRIME, _BIG_PRIME, _TINY_PRIME = 1_000_003, 2**127 - 1, 7
#: Splits of the secret 0 into 3 shares, t = 3, mod the tiny prime: 2 shares have 49 possible values, and
#: a secret sharing takes (nearly) all of them whatever the secret.
_TINY_DRAWS = 300


@contextmanager
def _watch_random_module() -> Iterator[list[str]]:
    """Record calls to the ``random`` module's (Mersenne Twister) generators while the block runs.

    ``secrets`` draws from ``random.SystemRandom``, which overrides these methods, so it is not recorded.
    """
    used: list[str] = []
    patches = []
    for name in ("random", "getrandbits", "randrange", "randint", "choice", "sample"):
        real = getattr(random.Random, name)

        def spy(self: random.Random, *args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            if not isinstance(self, random.SystemRandom):
                used.append(_name)
            return _real(self, *args, **kwargs)

        patches.append(mock.patch.object(random.Random, name, spy))
    for patch in patches:
        patch.start()
    try:
        yield used
    finally:
        for patch in reversed(patches):
            patch.stop()


def _shares_of(answer: Any, n: int, prime: int) -> list[tuple[int, int]] | str:
    """The learner's shares as (x, y) pairs, or what is wrong: x = 1..n, ints, 0 ≤ y < prime."""
    try:
        shares = [(x, y) for x, y in answer]
    except (TypeError, ValueError):
        return "return a list of n pairs (x, y)"
    if any(not isinstance(v, int) or isinstance(v, bool) for pair in shares for v in pair):
        return "every x and every share must be an int (the course's rule: numbers are numbers)"
    if sorted(x for x, _ in shares) != list(range(1, n + 1)):
        return "return n shares (x, f(x)) for x = 1, 2, …, n (never x = 0: that is the secret)"
    if any(not 0 <= y < prime for _, y in shares):
        return (
            "a share is not reduced mod prime (0 ≤ f(x) < prime): an unreduced value is a plain integer, "
            "and its size alone tells things about the coefficients"
        )
    return shares


def check_shamir_split(my_split: Callable[[int, int, int, int], list[tuple[int, int]]] | None) -> Verdict:
    """``my_split(secret, n, t, prime)``: n points (x, f(x) mod prime), x = 1..n, of a fresh random
    polynomial of degree t − 1 with f(0) = secret: checked as a *secret sharing*.

    Any t shares give the secret; the coefficients read back from the shares (mod 2^127 − 1) are all
    different, full-size, nonzero at the top and new on every call; the ``random`` module is not used;
    and mod 7, the values 2 of 3 shares (t = 3) take for the secret 0 cover more than half of the 49
    possible — so t − 1 shares do not rule secrets out (a reused coefficient leaves only 7).
    """
    if nudge_if_stub(my_split, "shamir_split"):
        return Verdict(False)

    def check() -> bool:
        with _watch_random_module() as mersenne:
            for n, t in ((5, 3), (7, 4), (4, 1), (3, 2), (6, 6), (9, 5)):
                secret = secrets.randbelow(_SPLIT_PRIME)
                shares = _shares_of(my_split(secret, n, t, _SPLIT_PRIME), n, _SPLIT_PRIME)
                if isinstance(shares, str):
                    return report(False, shares)
                _RNG.shuffle(shares)
                rebuilt = interpolate(shares[:t], _SPLIT_PRIME)
                if rebuilt.secret() != secret:
                    return report(
                        False, "t of your shares do not interpolate to the secret at x = 0: is f(0) = secret?"
                    )
                if any(rebuilt.evaluate(x) != y for x, y in shares):
                    return report(
                        False, f"your {n} shares do not lie on one polynomial of degree t - 1 = {t - 1}"
                    )
            problem = _coefficient_problem(my_split) or _tiny_prime_problem(my_split)
        if problem:
            return report(False, problem)
        if mersenne:
            return report(
                False,
                "right shape, but drawn with the random module (Mersenne Twister): its state can be "
                "rebuilt from 624 outputs, so coefficients become predictable. Use secrets.randbelow(prime)",
            )
        return report(
            True,
            praise="n shares on a fresh random polynomial of degree t - 1, reduced mod the prime: any t "
            "rebuild the secret, and t - 1 of them are consistent with every secret",
        )

    return safely(check, "my_split failed")


def _coefficient_problem(my_split: Callable[[int, int, int, int], Any]) -> str | None:
    """Read the coefficients back from the shares (mod a large prime) and look for what a learner gets
    wrong: a degree too low, one coefficient reused, a small range, coefficients that repeat."""
    seen: list[tuple[int, ...]] = []
    for secret, n, t in ((5, 6, 4), (5, 6, 4), (secrets.randbelow(_BIG_PRIME), 5, 3), (2**100, 7, 5)):
        shares = _shares_of(my_split(secret, n, t, _BIG_PRIME), n, _BIG_PRIME)
        if isinstance(shares, str):
            return f"with prime = 2^127 - 1: {shares}"
        rebuilt = interpolate(shares, _BIG_PRIME).coefficients  # degree < n: n ≥ t shares fix it
        if rebuilt[0] != secret % _BIG_PRIME or any(rebuilt[t:]):
            return f"with prime = 2^127 - 1, t = {t}: your shares are not on a polynomial of degree t - 1"
        drawn = rebuilt[1:t]
        if drawn[-1] == 0:
            return (
                f"n = {n}, t = {t}: your polynomial's degree is below t - 1, so already t - 1 = {t - 1} "
                "shares give the secret back"
            )
        if len(set(drawn)) < len(drawn):
            return (
                f"n = {n}, t = {t}: your polynomial reuses one random coefficient for several terms, so it "
                "has fewer unknowns than t - 1: t - 1 shares then pin the secret down. Draw each "
                "coefficient on its own"
            )
        if max(a.bit_length() for a in drawn) < 100:
            return (
                "your random coefficients are far below the prime: drawn from a small range, they can be "
                "guessed. Draw each with secrets.randbelow(prime)"
            )
        if any(a in past for past in seen for a in drawn):
            return (
                "two splits gave the same random coefficients: they must be fresh on every call (not from "
                "a fixed seed, nor computed from the secret), or one split's shares tell another's"
            )
        seen.append(drawn)
    return None


def _tiny_prime_problem(my_split: Callable[[int, int, int, int], Any]) -> str | None:
    """Mod 7 with t = 3, enumerate the values two shares take for the secret 0: a secret sharing takes
    (nearly) all 49, so seeing two shares rules no secret out."""
    taken = set()
    for _ in range(_TINY_DRAWS):
        shares = _shares_of(my_split(0, 3, 3, _TINY_PRIME), 3, _TINY_PRIME)
        if isinstance(shares, str):
            return f"with prime = 7: {shares}"
        taken.add(tuple(y for _, y in sorted(shares)[:2]))
    if len(taken) * 2 <= _TINY_PRIME**2:
        return (
            f"mod 7 with t = 3, the first two shares of the secret 0 only ever took {len(taken)} of the 49 "
            "possible pairs of values: anyone holding t - 1 = 2 shares outside those rules the secret 0 out. "
            "t - 1 shares must be consistent with every secret"
        )
    return None


register_hints(
    "feldman_verify",
    "Node i's final share is s_i = Σ_j f_j(x) with x = index + 1: one term per dealer. Which public "
    "point should s_i · G equal?",
    "Each dealer's commitments give f_j(x) · G = Σ_k A_{j,k} x^k. Add that up over the dealers (or add "
    "the dealers' A_{j,k} with the same k first: the commitments of the sum polynomial).",
    "x = share.index + 1; expected = G1.identity(); for commits in dealer_commitments: for k, A in "
    "enumerate(commits): expected = expected + A * pow(x, k); "
    "return G1.generator() * share.value == expected",
)


def _feldman_cases(dealers: int, t: int, n: int) -> list[tuple[str, PriShare, list[tuple[Point, ...]], bool]]:
    """Final DKG shares of ``dealers`` random polynomials, checked against their commitments."""
    polys = [PriPoly.random(t) for _ in range(dealers)]
    commitments = [p.commit(G1).commits for p in polys]
    order = G1.order
    cases: list[tuple[str, PriShare, list[tuple[Point, ...]], bool]] = []
    for index in range(n):
        value = sum(p.eval(index).value for p in polys) % order
        cases.append((f"the correct final share of node {index}", PriShare(index, value), commitments, True))
        cases.append((f"node {index}'s share, dealers listed in another order", PriShare(index, value),
                      commitments[::-1], True))  # fmt: skip
        wrong = (value + 1 + secrets.randbelow(1000)) % order
        cases.append((f"a wrong final share of node {index}", PriShare(index, wrong), commitments, False))
        cases.append((f"node {index}'s value presented as node {(index + 1) % n}'s",
                      PriShare((index + 1) % n, value), commitments, False))  # fmt: skip
        if dealers > 1:
            first_only = polys[0].eval(index).value
            alone = PriShare(index, first_only)
            cases.append((f"node {index}'s share from dealer 0 alone", alone, commitments, False))
    return cases


def check_feldman_verify(my_check: Callable[[PriShare, Sequence[Sequence[Point]]], bool] | None) -> Verdict:
    """``my_check(share, dealer_commitments)`` (the notebook's name): is ``share`` node ``share.index``'s
    final DKG share?

    ``dealer_commitments`` holds one tuple ``(A_0, …, A_{t-1})`` of G1 points per qualified dealer. True
    exactly when ``share.value · G == Σ_j Σ_k A_{j,k} (index + 1)^k``; tried with 1, 3 and 4 dealers.
    """
    if nudge_if_stub(my_check, "feldman_verify"):
        return Verdict(False)

    def check() -> bool:
        for dealers, t in ((1, 3), (3, 3), (4, 2)):
            for what, share, commitments, expected in _feldman_cases(dealers, t, n=5):
                if bool(my_check(share, [tuple(c) for c in commitments])) == expected:
                    continue
                where = f"{what} ({dealers} dealer(s))"
                if expected:
                    return report(False, f"{where} was refused: x = index + 1, and every dealer counts")
                return report(
                    False, f"{where} was accepted: compare share · G with the commitments at x = index + 1"
                )
        return report(
            True,
            praise="one public check for the sum of every dealer's share: anyone can verify a node's "
            "final share from the commitments alone",
        )

    return safely(check, "my_check failed")


register_hints(
    "disqualify_dealer",
    "Dealer 2 answers every complaint with the right share, so each complaint alone is forgiven "
    "(section 4). Is there a number of complaints at which nobody waits for its answer? Try bad shares to "
    "1, 2, 3 holders and look at .qual.",
    "Count the complaints about dealer 2 (the responses in outcome.log whose .complaints name 2). With t "
    "of them, t revealed shares would rebuild its polynomial: it is thrown out at once, before any "
    "justification. Fewer than that are answered and forgiven.",
    "plan = FaultPlan(bad_shares={(2, 0), (2, 1), (2, 3)})  # exactly t = 3 holders, no more",
)

#: t of the exercise's DKG (5 nodes).
DISQUALIFY_T = 3


def _honest_complaints(outcome: DKGOutcome, dealer: int) -> int:
    """Complaints about ``dealer`` that counted: delivered, well signed, from other nodes."""
    return sum(
        1
        for e in outcome.log
        if e.kind == "response"
        and e.delivered
        and e.note != "bad signature"
        and e.author != dealer
        and dealer in e.complaints
    )


def check_disqualify_dealer(plan: FaultPlan | None) -> Verdict:
    """``plan``: a FaultPlan for a 5-node DKG (t = 3) in which dealer 2 — whose commitments are right and
    who answers every complaint on time with the right share — is thrown out anyway, with as few wrong
    shares as possible.

    The only fault allowed is ``bad_shares`` from dealer 2, so a dealer that is merely absent (silent,
    late, badly signed) or that cheats in its answers does not count. Correct when dealer 2 is out of QUAL,
    the other four stay, the complaints about it came from the honest holders, and there are exactly t of
    them (the fewest that work: found by experiment, read in kyber in Exercise 7).
    """
    if nudge_if_stub(plan, "disqualify_dealer"):
        return Verdict(False)

    def check() -> bool:
        if not isinstance(plan, FaultPlan):
            return report(False, "plan must be a drand_edu.threshold.dkg.FaultPlan")
        only_shares = plan == FaultPlan(bad_shares=plan.bad_shares) and plan.justify is None
        if not only_shares or {d for d, _ in plan.bad_shares} != {2}:
            return report(
                False,
                "dealer 2 deals on time, with the right commitments, and answers every complaint correctly: "
                "the only fault allowed here is bad_shares={(2, holder), …}",
            )
        try:
            outcome = run_dkg(5, DISQUALIFY_T, rng=seeded_rng("exercise-disqualify"), faults=plan)
        except DKGError as exc:
            return report(False, f"with this plan the DKG fails for honest nodes too ({exc})")
        complaints = _honest_complaints(outcome, 2)
        if 2 in outcome.qual:
            return report(
                False,
                f"{complaints} complaint(s), each answered with the right share: dealer 2 was forgiven and "
                "stays in QUAL. How many complaints does it take before nobody waits for its answer?",
            )
        if complaints == 0:
            return report(False, "nobody complained about dealer 2: it was left out, not caught")
        if set(outcome.qual) != {0, 1, 3, 4}:
            return report(False, f"QUAL = {list(outcome.qual)}: other dealers were dropped too")
        if complaints < DISQUALIFY_T:
            return report(False, f"out with only {complaints} complaint(s)? Then it did not answer them all")
        if complaints > DISQUALIFY_T:
            return report(
                False, f"out, with {complaints} complaints: fewer wrong shares would do. What is the fewest?"
            )
        return report(
            True,
            praise=f"{complaints} complaints = t: dealer 2 was evicted in the response phase, before it "
            "could "
            "answer — t revealed shares would rebuild its polynomial (Exercise 7 finds the line in kyber)",
        )

    return safely(check, "running the DKG with your plan failed")


register_hints(
    "steer_group_key",
    "In this exercise the dealer's lever is one yes/no: answer the complaint (stay in QUAL) or not "
    "(drop out). choice.keys() tells you the group key each answer leads to.",
    "Compare the two keys by their compressed bytes, key.to_bytes(): Python compares bytes in "
    "dictionary order. Return True when the key with you in QUAL is the smaller one.",
    "def my_choice(choice): with_me, without_me = choice.keys(); return with_me.to_bytes() < "
    "without_me.to_bytes()  — and plan = FaultPlan(bad_shares={(2, 4)}, justify=my_choice)",
)

#: :func:`check_steer_group_key` runs seeded DKGs until it has seen both cases — the key that sorts
#: first is the one *with* the accused dealer, and the one *without* it — so that neither "always
#: justify" nor "never justify" passes; at least ``STEER_MIN_RUNS``, at most ``STEER_MAX_RUNS``.
STEER_MIN_RUNS, STEER_MAX_RUNS = 3, 8


def check_steer_group_key(plan: FaultPlan | None) -> Verdict:
    """``plan``: a FaultPlan with which a dealer who drew a complaint steers a 5-node DKG (t = 3).

    Its ``justify`` callback decides, after seeing every commitment, whether to answer the
    complaint. Correct when, on each of several seeded DKGs, the run ends with the group key whose
    compressed bytes sort first of the two the dealer could reach (justify, or stay silent and be
    disqualified), a single dealer was asked, and all honest nodes agree on the key.
    """
    if nudge_if_stub(plan, "steer_group_key"):
        return Verdict(False)

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
            "agreed: Joint-Feldman's bias, its visible lever (a complaint went unanswered). The unseen "
            "one: a dealer that deals last grinds its polynomial against the others' commitments "
            "(section 7's demo)",
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


# -- Exercise 6 (Connect): when kyber evicts a dealer without waiting for justifications ---------------
#: kyber's ``ProcessResponses`` (share/dkg/dkg.go at d3ad80c), L663-L672:
#: https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L663-L672
#: ``if complaints >= d.c.Threshold { d.evicted = append(d.evicted, n.Index) }`` — a dealer with at least
#: t complaints is evicted in the response phase, "since their polynomial can now be reconstructed".
register_hints(
    "eviction_rule",
    "Open ProcessResponses (the link in the task) and find the loop over d.c.OldNodes after the "
    '"DKG successful" branch: it compares a count with a field of the config.',
    "The count is StatusesOfDealer(...).LengthComplaints(), the field is d.c.Threshold (our t), and the "
    "comparison is not strict.",
    "def evicted_at_once(complaints, n, t): return complaints >= t",
)


def check_eviction_rule(evicted_at_once: Callable[[int, int, int], bool] | None) -> Verdict:
    """``evicted_at_once(complaints, n, t)``: does kyber's ``ProcessResponses`` evict the dealer at once?

    Compared with kyber's rule (``complaints >= t``) on every n from 2 to 12, t from 1 to n and
    complaints from 0 to n.
    """
    if nudge_if_stub(evicted_at_once, "eviction_rule"):
        return Verdict(False)

    def check() -> bool:
        for n in range(2, 13):
            for t in range(1, n + 1):
                for complaints in range(n + 1):
                    expected = complaints >= t
                    got = evicted_at_once(complaints, n, t)
                    if not isinstance(got, bool) and got not in (0, 1):
                        return report(False, f"return True or False, not {got!r}")
                    if bool(got) == expected:
                        continue
                    verdict = "evicted" if got else "kept until the justifications"
                    return report(
                        False,
                        f"n = {n}, t = {t}, {complaints} complaint(s): yours says {verdict}; read the "
                        "condition again (which bound, strict or not?)",
                    )
        return report(
            True,
            praise="complaints ≥ t: with t shares of its polynomial revealed, anyone could rebuild that "
            "polynomial, so kyber evicts the dealer without waiting",
        )

    return safely(check, "evicted_at_once failed")


# -- Exercise 6 (Break): squat a fresh network, then undo it with dkg nuke ----------------------------
#: how long the squat must hold: our nodes (beyond drand's) time out when the proposal's timeout passes
SQUAT_AT_LEAST = 365 * 24 * 3600.0

register_hints(
    "squat_dkg",
    "The stranger is a node like any other: as leader it may propose a first DKG (propose_initial) to "
    "anyone whose address it knows. Fresh nodes apply the first well-signed proposal they get.",
    "A first proposal lists the leader among the joiners: with the three victims that makes 4 nodes, and "
    "drand wants t >= n//2 + 1. The timeout is in seconds from now: make it longer than a year.",
    "def squat(stranger, victims): stranger.propose_initial(victims, threshold=3, period=3, "
    "timeout=10 * 365 * 24 * 3600)",
)


class _Loopback:
    """The checker's network of DKG processes in one Python process: packets delivered at once, a clock
    that stands still (no timeout fires), identities answered as ``GET /identity`` would."""

    def __init__(self, seed: str) -> None:
        from ..crypto.schemes import scheme_by_id
        from ..node.dkg_process import DKGProcess
        from ..node.key_store import FileStore

        self.rng = seeded_rng(seed)
        self.scheme = scheme_by_id("pedersen-bls-unchained")
        self.processes: dict[str, Any] = {}
        self._make = lambda address: DKGProcess(
            FileStore.generate(self.scheme, rng=self.rng, address=address), "never-written", self,
            identity_of=self.identity_of, rng=self.rng,
        )  # fmt: skip

    def add(self, address: str) -> Any:
        self.processes[address] = self._make(address)
        return self.processes[address]

    def now(self) -> float:
        return 1_700_000_000.0

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        return None

    def send_to(self, address: str, message: Any) -> None:
        self.processes[address].receive(message)

    def identity_of(self, address: str) -> dict[str, str]:
        keys = self.processes[address].key_store
        return {"address": address, "key": keys.public_key.hex(), "scheme": keys.scheme.id,
                "signature": keys.signature.hex()}  # fmt: skip


def check_squat_dkg(squat: Callable[[Any, list[str]], Any] | None) -> Verdict:
    """``squat(stranger, victims)``: with the ``stranger``'s DKG process, lock the three fresh nodes at
    ``victims`` so that their real leader (``victims[0]``) is refused for at least a year.

    Run on a fresh network (random port numbers and keys) each time; then each victim is nuked (drand's
    ``dkg nuke``) and must take its real leader's proposal.
    """
    if nudge_if_stub(squat, "squat_dkg"):
        return Verdict(False)
    from ..threshold.lifecycle import Status

    net = _Loopback(secrets.token_hex(8))
    ports = secrets.SystemRandom().sample(range(20_000, 60_000), 4)
    victims = [net.add(f"127.0.0.1:{port}") for port in ports[:3]]
    stranger = net.add(f"10.9.8.7:{ports[3]}")
    addresses = [v.address for v in victims]

    def check() -> bool:
        squat(stranger, list(addresses))
        for victim in victims:
            if victim.state.status != Status.PROPOSED or victim.state.leader != stranger.address:
                leader = f", leader {victim.state.leader}" if victim.state.leader else ""
                return report(False, f"{victim.address} is {victim.state.status}{leader}: the stranger's "
                              "proposal did not reach it, or it refused it (every victim must be a joiner; "
                              "is the threshold one drand accepts?)")  # fmt: skip
        left = victims[0].state.timeout - net.now()
        if left < SQUAT_AT_LEAST:
            why = "drand would stay stuck even then; our nodes time out"
            return report(False, f"the squat ends in {left:.0f} s, when the proposal times out: make it "
                          f"last at least a year ({why})")  # fmt: skip
        try:
            victims[0].propose_initial(addresses[1:], threshold=2, period=3)
        except DKGError:
            pass
        else:
            return report(False, "the real leader could still propose: the victims are not locked")
        if any(victim.nuke() != Status.FRESH for victim in victims):
            return report(False, "after dkg nuke a victim is not Fresh again")
        victims[0].propose_initial(addresses[1:], threshold=2, period=3)
        if {v.state.leader for v in victims} != {addresses[0]}:
            return report(False, "after dkg nuke the real leader's proposal should go through")
        return report(
            True,
            praise="the first well-signed proposal wins (drand's Process.Packet): a fresh node has no group "
            "to tell a stranger from its leader; dkg nuke is the operator's way out",
        )

    return safely(check, "squat failed")


__all__ += ["check_squat_dkg"]
