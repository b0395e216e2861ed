"""Exercise checkers for notebook 04 (distributed key generation).

They run the learner's function (or plan) on fresh random polynomials and seeded DKGs and judge what
happened, so passing means "behaves like the DKG", not "matches a stored answer". Each exercise
registers its hints in steps next to its checker (``drand_edu.exercises.hint("<name>")``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ..crypto import G1
from ..crypto.groups import Point
from ..errors import DKGError
from ..rng import seeded_rng
from ..threshold.dkg import DKGOutcome, FaultPlan, run_dkg
from ..threshold.dkg.protocol import Phase
from ..threshold.poly import PriPoly, PriShare, interpolate
from .common import Verdict, nudge_if_stub, register_hints, report, safely

__all__ = [
    "check_disqualify_dealer",
    "check_dkg_ticks",
    "check_eviction_rule",
    "check_feldman_verify",
    "check_shamir_split",
    "check_steer_group_key",
]


# -- Exercise 1 (Explore): what a missing bundle costs in time ---------------------------------------
#: The three DKGs of the exercise (5 nodes, t = 3): keyword arguments of run_dkg.
TICK_SCENARIOS: dict[str, dict[str, Any]] = {
    "slow": {"fast_sync": False},
    "silent": {"faults": FaultPlan(silent={1})},
    "late": {"faults": FaultPlan(late={(3, Phase.RESPONSE)})},
}

register_hints(
    "dkg_ticks",
    "Run each of the three DKGs with run_dkg(5, 3, rng=rng, ...) and print its .clock: the checker "
    "wants what you measure, not a guess.",
    "Why those numbers: like drand, the DKG has ONE phaser, started at tick 0, that signals response at "
    "10, justification at 20 and finish at 30. With fast sync a node moves on earlier once every expected "
    "bundle is in; otherwise it waits for the phaser's next signal, wherever its phase began. Which "
    "phases had to wait, and did a justification phase run?",
    "ticks = {name: run_dkg(5, 3, rng=rng, **kwargs).clock for name, kwargs in (('slow', "
    "dict(fast_sync=False)), ('silent', dict(faults=FaultPlan(silent={1}))), ('late', "
    "dict(faults=FaultPlan(late={(3, Phase.RESPONSE)}))))}",
)


def _ticks(answer: Any) -> dict[str, int] | str:
    """The learner's three numbers by scenario name, or what is wrong with the answer's shape."""
    names = list(TICK_SCENARIOS)
    if isinstance(answer, dict):
        missing = [n for n in names if n not in answer]
        if missing:
            return f"the dict needs the keys {names} (missing: {missing})"
        values = [answer[n] for n in names]
    elif isinstance(answer, (tuple, list)) and len(answer) == len(names):
        values = list(answer)
    else:
        return "give a dict {'slow': …, 'silent': …, 'late': …} (or the three numbers in that order)"
    numbers = []
    for value in values:
        found = re.fullmatch(r"\s*(\d+)\s*(ticks?)?\s*", str(value))
        if isinstance(value, bool) or found is None:
            return f"{value!r} is not a number of ticks"
        numbers.append(int(found.group(1)))
    return dict(zip(names, numbers, strict=True))


def check_dkg_ticks(ticks: Any) -> Verdict:
    """``ticks``: the tick at which each of three 5-node DKGs ends (run_dkg's ``.clock``).

    ``slow``: an honest DKG without fast sync; ``silent``: dealer 1 never deals; ``late``: holder 3's
    response arrives after the response phase ended. The expected values are measured here.
    """
    if nudge_if_stub(ticks, "dkg_ticks"):
        return Verdict(False)

    def check() -> bool:
        got = _ticks(ticks)
        if isinstance(got, str):
            return report(False, got)
        measured = {
            n: run_dkg(5, 3, rng=seeded_rng(f"ticks-{n}"), **kw).clock for n, kw in TICK_SCENARIOS.items()
        }
        wrong = [n for n in TICK_SCENARIOS if got[n] != measured[n]]
        if not wrong:
            return report(
                True,
                praise="measured: a bundle that does not come makes its phase wait for the phaser's next "
                "signal (10, 20 or 30), and a missing deal or response brings a justification phase "
                "along that lasts until the finish signal at 30",
            )
        if all(got[n] == 2 for n in wrong):
            return report(
                False, "2 ticks is the honest DKG with fast sync; these three are slower — run them"
            )
        return report(
            False,
            f"not what the DKG measures for {', '.join(repr(n) for n in wrong)}: run it and print .clock",
        )

    return safely(check, "reading your ticks failed")


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


def check_shamir_split(my_split: Callable[[int, int, int, int], list[tuple[int, int]]] | None) -> Verdict:
    """``my_split(secret, n, t, prime)``: n points (x, y), x = 1..n, any t of which give back the secret."""
    if nudge_if_stub(my_split, "shamir_split"):
        return Verdict(False)

    def check() -> bool:
        prime = 1_000_003
        for n, t in ((5, 3), (7, 4), (4, 1), (3, 2), (6, 6), (9, 5)):
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
                    "your polynomial's degree is too low for t",
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


def _fewer_reveal(
    my_split: Callable[[int, int, int, int], list[tuple[int, int]]], n: int, t: int, prime: int
) -> bool:
    """True when t - 1 shares interpolate to the secret for two fresh splits (degree too low).

    With a correct degree t - 1 polynomial this happens with probability 1/prime per split.
    """
    for _ in range(2):
        secret = secrets.randbelow(prime)
        shares = [(int(x), int(y) % prime) for x, y in my_split(secret, n, t, prime)]
        if interpolate(shares[: t - 1], prime).secret() != secret:
            return False
    return True


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


def check_feldman_verify(my_verify: Callable[[PriShare, Sequence[Sequence[Point]]], bool] | None) -> Verdict:
    """``my_verify(share, dealer_commitments)``: is ``share`` node ``share.index``'s final DKG share?

    ``dealer_commitments`` holds one tuple ``(A_0, …, A_{t-1})`` of G1 points per qualified dealer. True
    exactly when ``share.value · G == Σ_j Σ_k A_{j,k} (index + 1)^k``; tried with 1, 3 and 4 dealers.
    """
    if nudge_if_stub(my_verify, "feldman_verify"):
        return Verdict(False)

    def check() -> bool:
        for dealers, t in ((1, 3), (3, 3), (4, 2)):
            for what, share, commitments, expected in _feldman_cases(dealers, t, n=5):
                if bool(my_verify(share, [tuple(c) for c in commitments])) == expected:
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

    return safely(check, "my_verify failed")


register_hints(
    "disqualify_dealer",
    "Dealer 2 must deal (its deal bundle arrives, well signed) and still be thrown out. Section 4 "
    "showed one way a dealer is caught; a wrong share alone is forgiven — why?",
    "A complaint is forgiven when the dealer answers it with the right share. So either make the "
    "answer wrong or missing, or make so many holders complain that no answer is waited for.",
    "plan = FaultPlan(bad_shares={(2, 4)}, missing_justifications={2})  # or bad_justifications={2}, "
    "or bad_commitments={2}, or bad shares to three holders",
)

#: t of the exercise's DKG (5 nodes).
DISQUALIFY_T = 3


def check_disqualify_dealer(plan: FaultPlan | None) -> Verdict:
    """``plan``: a FaultPlan for a 5-node DKG (t = 3) after which dealer 2 is out of QUAL.

    A break only when dealer 2's deal reached the others (it dealt, on time, well signed) and the
    honest nodes' checks threw it out; the other four stay in QUAL and the DKG succeeds. A dealer
    that never deals (silent, late, badly signed deal) is simply absent: no break.
    """
    if nudge_if_stub(plan, "disqualify_dealer"):
        return Verdict(False)

    def check() -> bool:
        if not isinstance(plan, FaultPlan):
            return report(False, "plan must be a drand_edu.threshold.dkg.FaultPlan")
        try:
            outcome = run_dkg(5, DISQUALIFY_T, rng=seeded_rng("exercise-disqualify"), faults=plan)
        except DKGError as exc:
            return report(
                False, f"with this plan the DKG fails for honest nodes too ({exc}); fault only dealer 2"
            )
        deals = [e for e in outcome.log if e.kind == "deal" and e.author == 2 and e.note != "forged copy"]
        if not any(e.delivered and e.note != "bad signature" for e in deals):  # dropped on arrival
            why = deals[0].note if deals else "withheld"
            return report(
                False,
                f"dealer 2's deal never counted ({why}): a dealer that does not deal is left out without "
                "anyone catching anything. Let it deal, and make the honest nodes throw it out",
            )
        if 2 in outcome.qual:
            return report(
                False, f"dealer 2 is still qualified (QUAL = {list(outcome.qual)}): its fault was forgiven"
            )
        if set(outcome.qual) != {0, 1, 3, 4}:
            return report(
                False, f"QUAL = {list(outcome.qual)}: other dealers were dropped too; fault dealer 2 only"
            )
        return report(True, praise=_how_dealer_2_fell(outcome))

    return safely(check, "running the DKG with your plan failed")


def _how_dealer_2_fell(outcome: DKGOutcome) -> str:
    """Praise that says what happened to dealer 2 in this run (read from the message log), and only that."""
    heard_of = [e for e in outcome.log if e.kind == "response" and e.delivered and e.note != "bad signature"]
    complaints = sum(1 for e in heard_of if 2 in e.complaints)
    answers = [e for e in outcome.log if e.kind == "justification" and e.author == 2]
    if complaints >= DISQUALIFY_T:
        return (
            f"{complaints} complaints, at least t = {DISQUALIFY_T}: dealer 2 was evicted in the response "
            "phase, before any justification"
        )
    heard = f"{complaints} complaint{'s' if complaints != 1 else ''}"
    if not answers or answers[0].arrival is None:
        why = answers[0].note if answers else "no justification"
        return f"{heard} and no answer ({why}): a complaint left unanswered disqualifies the dealer"
    if not answers[0].delivered or answers[0].note == "bad signature":
        return f"{heard}, and its justification did not count ({answers[0].note}): out of QUAL"
    return f"{heard}, answered with a share that does not match the commitments: the answer proved the cheat"


register_hints(
    "steer_group_key",
    "The dealer's only lever is one yes/no: answer the complaint (stay in QUAL) or not (drop out). "
    "choice.keys() tells you the group key each answer leads to.",
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
