"""Exercise checkers for notebook 02 (what a drand beacon is).

Five exercises: which round a beacon handed over without its number belongs to (Explore), Lagrange
weights at zero and the recovery
of a beacon from partials (Implement), steering an interpolation that does not verify partials (Break),
and what kyber's ``tbls.Recover`` does about it (Connect, read in kyber's ``sign/tbls/tbls.go``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from ..chain.info import ChainInfo
from ..crypto import bls, scheme_by_id
from ..crypto.constants import CURVE_ORDER
from ..crypto.groups import Point
from ..crypto.schemes import Scheme
from ..errors import NotEnoughShares
from ..threshold.poly import PriPoly, lagrange_coefficients
from ..threshold.tbls import recover_signature, sign_partial
from .common import Verdict, first_hint, is_stub, nudge_if_stub, register_hints, report, safely, type_problem

__all__ = [
    "check_kyber_recover",
    "check_lagrange_at_zero",
    "check_recover_signature",
    "check_round_of",
    "check_steer_interpolation",
]

_RNG = secrets.SystemRandom()


# -- Exercise 1 (Explore): which round is this beacon? ------------------------------------------------

#: A relay forwards a beacon at most this many periods after the beacon's round was due (the exercise's
#: window): the rounds due in [seen_at - ROUND_WINDOW · period, seen_at] are the candidates.
ROUND_WINDOW = 5

register_hints(
    "round_of",
    "The round number is not in the bytes you got, but it is inside the message that was signed: a "
    "signature verifies for one round only. Which rounds could it be, given when you saw it?",
    "Not only info.round_at(seen_at): a relay may be late, so the candidates are the rounds due between "
    "seen_at − 5 periods and seen_at. Try each one: does Beacon(r, signature, previous_signature) pass "
    "verify_beacon? None of them → None (and an old beacon replayed is not one of them).",
    "now = info.round_at(seen_at); for r in range(now, max(0, now - 6), -1): if "
    "is_valid_beacon(info, Beacon(r, signature, previous_signature)) and info.time_of_round(r) >= seen_at - "
    "5 * info.period: return r — and return None after the loop",
)


def _signed_chain(scheme: Scheme) -> tuple[ChainInfo, int]:
    keys = bls.keygen(scheme)
    info = ChainInfo(
        public_key=keys.public.to_bytes(),
        period=1 + secrets.randbelow(30),
        genesis_time=1_600_000_000 + secrets.randbelow(10**8),
        genesis_seed=secrets.token_bytes(32),
        scheme=scheme,
        beacon_id="exercise",
    )
    return info, keys.secret


def _round_cases(info: ChainInfo, secret: int) -> list[tuple[str, bytes, bytes, float, int | None]]:
    """(what, signature, previous signature, seen_at, the round or None) for one chain."""
    scheme = info.scheme
    cases: list[tuple[str, bytes, bytes, float, int | None]] = []
    delays = (0.0, 0.5, 1.0, 2.3, 4.9)  # in periods: on time, late, as late as a relay may be
    for delay in delays:
        r = 10 + secrets.randbelow(10**6)
        previous = secrets.token_bytes(scheme.signature_size) if scheme.chained else b""
        signature = bls.sign(scheme, secret, scheme.digest(r, previous))
        seen = info.time_of_round(r) + delay * info.period
        cases.append((f"a beacon seen {delay:g} periods after its round", signature, previous, seen, r))
    r = 30 + secrets.randbelow(10**6)
    previous = secrets.token_bytes(scheme.signature_size) if scheme.chained else b""
    stale = bls.sign(scheme, secret, scheme.digest(r - 20, previous))
    seen = info.time_of_round(r) + 0.5 * info.period
    cases.append(("a valid beacon of 20 rounds ago, replayed as new", stale, previous, seen, None))
    other = bls.sign(scheme, bls.keygen(scheme).secret, scheme.digest(r, previous))
    cases.append(("a signature of this round by another chain's key", other, previous, seen, None))
    return cases


def check_round_of(my_round: Callable[[ChainInfo, bytes, bytes, float], Any] | None) -> Verdict:
    """``my_round(info, signature, previous_signature, seen_at)``: the round of a beacon handed over
    without its number, seen at ``seen_at``, due at most ``ROUND_WINDOW`` periods before; None when no
    round of that window verifies (a forgery, or an old beacon replayed).

    Tried on chained and unchained chains with fresh keys, relays on time and late, and beacons that must
    be refused: trusting the clock (``round_at``) or searching every round both fail.
    """
    if nudge_if_stub(my_round, "round_of"):
        return Verdict(False)

    def check() -> bool:
        for scheme_id in ("pedersen-bls-chained", "bls-unchained-g1-rfc9380", "pedersen-bls-unchained"):
            info, secret = _signed_chain(scheme_by_id(scheme_id))
            for what, signature, previous, seen, want in _round_cases(info, secret):
                got = my_round(info, signature, previous, seen)
                if got is not None and type_problem(got, "int"):
                    return report(False, f"{what}: {type_problem(got, 'int')} (or None)")
                got = None if got is None else int(got)
                if got == want:
                    continue
                if want is None:
                    why = "no round of the window verifies, so answer None" + (
                        ": a signature that verified once does not make an old beacon new"
                        if "replayed" in what
                        else ": a round number you did not check is a guess"
                    )
                    return report(False, f"on {scheme_id}, {what}: you said round {got}; {why}")
                if got == info.round_at(seen):
                    why = "that is the round current when you saw it, but the relay was late: did it verify?"
                elif got is None:
                    why = "it does verify for one round of the window" + (
                        " (on a chained chain the previous signature is part of the message)"
                        if info.scheme.chained
                        else ""
                    )
                else:
                    why = "its signature does not verify for that round"
                return report(False, f"on {scheme_id}, {what}: you said {got}; {why}")
        return report(
            True,
            praise="the round is nowhere in the bytes, yet only one round makes the signature verify: the "
            "signed message binds the round, so the clock only narrows the search and a replayed or "
            "foreign signature finds no round",
        )

    return safely(check, "my_round failed")


# -- Exercise 2 (Implement): Lagrange weights at 0 --------------------------------------------------

register_hints(
    "lagrange",
    "One weight per x, in the order of xs; each weight is a product over the other points, and "
    "'dividing' mod a prime means multiplying by an inverse.",
    "For each j: multiply x_m over every m ≠ j (the numerator) and (x_m − x_j) over every m ≠ j (the "
    "denominator), all mod modulus; mind the order in x_m − x_j.",
    "weight_j = numerator · pow(denominator, -1, modulus) % modulus, with numerator = Π x_m and "
    "denominator = Π (x_m − x_j) over m ≠ j.",
)


def check_lagrange_at_zero(my_lagrange: Callable[[list[int], int], list[int]] | None) -> Verdict:
    """``my_lagrange(xs, modulus)``: the weights λ_j with f(0) = Σ λ_j·f(x_j), mod ``modulus``."""
    if nudge_if_stub(my_lagrange, "lagrange"):
        return Verdict(False)

    def check() -> bool:
        # even and odd counts (a sign error only shows with an even number of points), one point,
        # x = 1 and neighbours, unsorted x, a small prime and the curve order
        cases = [(97, [1, 2]), (97, [3]), (101, [5, 1, 4, 2]), (CURVE_ORDER, [1, 2, 3])]
        for modulus, count in ((97, 3), (CURVE_ORDER, 4), (CURVE_ORDER, 6), (7919, 7)):
            cases.append((modulus, _RNG.sample(range(1, min(modulus, 1000)), count)))
        for modulus, xs in cases:
            got = [int(v) % modulus for v in my_lagrange(list(xs), modulus)]
            want = lagrange_coefficients(xs, modulus)
            if len(got) != len(xs):
                return report(False, f"give one weight per x ({len(xs)} for xs = {xs}), in the order of xs")
            if got == [(-w) % modulus for w in want] and len(xs) % 2 == 0:
                return report(
                    False,
                    f"for xs = {xs} every weight has the wrong sign (an odd number of points hides "
                    "this mistake): check the order of the subtraction in the denominator",
                )
            if got != want:
                return report(
                    False,
                    f"not the weights for xs = {xs} mod {modulus if modulus < 10**6 else 'r'}: the "
                    "weights at 0 make Σ λ_j · f(x_j) equal f(0)",
                )
        return report(
            True,
            praise="right for 1 to 7 points, in any order, mod a small prime and mod r: these weights "
            "turn t shares into the secret — or t partials into a beacon",
        )

    return safely(check, "my_lagrange failed")


# -- Exercise 3 (Implement): recover the beacon from partials ---------------------------------------

register_hints(
    "recover",
    "Pick threshold of the partials; each one's x is its index + 1; the signature is a weighted sum of "
    "their points.",
    "Weights: your my_lagrange over those x, mod drand_edu.crypto.constants.CURVE_ORDER; then multiply "
    "each point by its weight and add them (or scheme.sig_group.msm(points, weights)).",
    "chosen = partials[:threshold]; weights = my_lagrange([i + 1 for i, _ in chosen], CURVE_ORDER); "
    "return scheme.sig_group.msm([p for _, p in chosen], weights)",
)


def _recover_slip(group: Any, partials: list[tuple[int, Point]], t: int, got: Point, expected: Point) -> str:
    """Name the mistake behind a wrong recovery, from the slips learners make (each its own hint)."""
    chosen = partials[:t]
    points = [p for _, p in chosen]
    xs = [i + 1 for i, _ in chosen]
    at_zero = [p for i, p in chosen if i == 0]  # with x = index, node 0 sits at x = 0: its partial comes out
    slip = at_zero[0] if at_zero else group.msm(points, lagrange_coefficients([i for i, _ in chosen]))
    if at_zero and got == slip:
        return (
            "that is node 0's partial alone: you returned one partial, or your weights use x = index (node "
            "0 at x = 0 then takes all the weight); every chosen partial counts, node i sits at x = index + 1"
        )
    if got == slip:
        return "your weights use x = index; node i's share sits at x = index + 1"
    if any(got == p for _, p in partials):
        return "that is one partial, not the group's signature: every chosen partial gets a weight"
    if got == group.msm(points, [1] * len(points)):
        return "that is the plain sum of the partials: each one must be multiplied by its Lagrange weight"
    if got == -expected:
        return "every weight has the wrong sign: look at the order of the subtraction in your my_lagrange"
    by_index = sorted(chosen, key=lambda pair: pair[0])
    if got in (
        group.msm([p for _, p in by_index], lagrange_coefficients(xs)),
        group.msm(points, lagrange_coefficients(sorted(xs))),
    ):
        return "the weights and the points are paired in different orders: weight j belongs to point j"
    if len(partials) > t and got == group.msm(
        points, lagrange_coefficients([i + 1 for i, _ in partials])[:t]
    ):
        return "the weights were computed over all the partials but applied to t of them: use the same t"
    return (
        f"with t = {t} of {len(partials)} partials the result is not the group's signature (more: "
        "drand_edu.exercises.hint('recover'))"
    )


def check_recover_signature(my_recover: Callable[..., object] | None) -> Verdict:
    """``my_recover(scheme, partials, threshold)``: the group's signature (a Point) from
    ``[(index, point), ...]``; the slips learners make each get their own hint."""
    if nudge_if_stub(my_recover, "recover"):
        return Verdict(False)

    def check() -> bool:
        for scheme_id, n, t, extra in (
            ("pedersen-bls-chained", 5, 3, 0),
            ("bls-unchained-g1-rfc9380", 5, 3, 2),
            ("bls-unchained-g1-rfc9380", 7, 4, 1),
            ("pedersen-bls-chained", 3, 2, 0),
        ):
            scheme = scheme_by_id(scheme_id)
            poly = PriPoly.random(t)
            message = scheme.digest(1 + secrets.randbelow(10**6))
            hashed = bls.hash_message(scheme, message)
            chosen = _RNG.sample(range(n), t + extra)  # any order, sometimes more than t
            partials = [(i, hashed * poly.eval(i).value) for i in chosen]
            got = my_recover(scheme, list(partials), t)
            wrong_type = type_problem(got, "point")
            if wrong_type:
                return report(False, wrong_type)
            expected = hashed * poly.secret()
            if got != expected:
                return report(
                    False, f"on {scheme_id}: {_recover_slip(scheme.sig_group, partials, t, got, expected)}"
                )
        return report(
            True,
            praise="t partials in (from any subset, in any order), one BLS signature out — what every drand "
            "node does each round",
        )

    return safely(check, "my_recover failed")


# -- Exercise 4 (Break): steer an interpolation that does not verify partials --------------------------

register_hints(
    "steer",
    "Interpolation is linear: the result is λ_1·σ_1 + … + λ_t·σ_t, and you choose only the last σ.",
    "Compute all t weights (x = index + 1 for every node, yours included), add up the t − 1 honest terms, "
    "and solve target = honest_sum + λ_yours · σ_yours for σ_yours.",
    "σ_yours = (target − Σ honest λ_j·σ_j) · pow(λ_yours, -1, CURVE_ORDER)",
)


def _interpolate(points: list[tuple[int, Point]], group: Any) -> Point:
    weights = lagrange_coefficients([i + 1 for i, _ in points], CURVE_ORDER)
    return group.msm([p for _, p in points], weights)


def check_steer_interpolation(my_steer: Callable[..., object] | None) -> Verdict:
    """``my_steer(scheme, honest, index, target)``: the point that node ``index`` sends so that Lagrange
    interpolation of ``honest`` (t − 1 genuine partials) plus it gives exactly ``target``."""
    if nudge_if_stub(my_steer, "steer"):
        return Verdict(False)

    def check() -> bool:
        refused = 0
        for scheme_id, n, t in (
            ("bls-unchained-g1-rfc9380", 5, 3),
            ("pedersen-bls-chained", 4, 2),
            ("bls-unchained-g1-rfc9380", 7, 5),
        ):
            scheme = scheme_by_id(scheme_id)
            group = scheme.sig_group
            poly = PriPoly.random(t)
            message = scheme.digest(1 + secrets.randbelow(10**6))
            hashed = bls.hash_message(scheme, message)
            order = _RNG.sample(range(n), t)
            index, honest_ids = order[0], order[1:]
            honest = [(i, hashed * poly.eval(i).value) for i in honest_ids]
            genuine = hashed * poly.secret()
            for target in (group.generator() * (1 + secrets.randbelow(CURVE_ORDER - 1)), group.identity()):
                point = my_steer(scheme, list(honest), index, target)
                wrong_type = type_problem(point, "point")
                if wrong_type:
                    return report(False, wrong_type)
                if point.group is not group:
                    return report(False, f"return a point of the signature group ({group.label})")
                result = _interpolate([*honest, (index, point)], group)
                if result == target:
                    continue
                if point == target:
                    return report(False, "sending the target itself: it gets multiplied by your weight")
                if point == hashed * poly.eval(index).value or result == genuine:
                    return report(False, "that is the honest partial: it interpolates to the real beacon")
                everyone = [*honest, (index, point)]
                xs = [
                    i for i, _ in everyone
                ]  # the x = i slip (it can only be seen when no node sits at x = 0)
                if 0 not in xs and group.msm([p for _, p in everyone], lagrange_coefficients(xs)) == target:
                    return report(
                        False, "close: your weights use x = index; node i's share sits at x = i + 1"
                    )
                return report(
                    False,
                    f"the interpolation (t = {t}, you are node {index}) does not land on the target",
                )
            # the lesson: kyber's Recover, and ours, verify each partial and drop the steered one
            forged = sign_partial_point(index, point)
            publics = poly.commit(scheme.key_group)
            genuine_bytes = [sign_partial(scheme, poly.eval(i), message) for i in honest_ids]
            try:
                recover_signature(scheme, publics, message, [forged, *genuine_bytes], t)
            except NotEnoughShares:  # the steered partial failed verification and was skipped
                refused += 1
        return report(
            True,
            praise="with t − 1 honest partials fixed, your one point steered the interpolation to any "
            "target, so t − 1 partials pin down nothing; recover_signature, which verifies each partial "
            f"as kyber's Recover does, refused your point {refused} times out of 3",
        )

    return safely(check, "my_steer failed")


def sign_partial_point(index: int, point: Point) -> bytes:
    """A partial signature's bytes (kyber's ``SigShare``): the index as 2 bytes big-endian, then the point."""
    return index.to_bytes(2, "big") + point.to_bytes()


# -- Exercise 5 (Connect): kyber's tbls Recover -------------------------------------------------------

# kyber's tbls Recover skips a partial (``continue``) at three calls in its loop, in this order: sh.Index()
# (line 122: fewer than two bytes give no index), s.Scheme.Verify against public.Eval(i).V (line 126: kyber's
# BLS Verify decodes the point itself before the pairing, so bytes that are no point of the group are
# skipped here too, as is a point share i did not sign) and point.UnmarshalBinary (line 130: it decodes the
# bytes Verify has just decoded, so it skips nothing Verify let through); with fewer than t kept it returns
# errors.New("not enough valid partial signatures") (line 139):
# https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L113-L150
# https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L86-L100
KYBER_RECOVER_ERROR = "not enough valid partial signatures"

register_hints(
    "kyber_recover",
    "Open kyber's tbls Recover (the link in the exercise) and read the loop over sigs, then the lines "
    "right after it.",
    "Three calls in the loop can make it `continue` past a partial, in this order: sh.Index(), a "
    "verification, and point.UnmarshalBinary(...). A steered point like yours has a good index and "
    "decodes fine — which of the three still refuses it? After the loop, an errors.New(...) is returned "
    "when too few were kept (RecoverCommit's error is another one).",
    f"The call is s.Scheme.Verify (against public.Eval(i).V); the error is {KYBER_RECOVER_ERROR!r}.",
)

_VERIFY_FORMS = {"verify", "schemeverify", "sschemeverify", "blsverify", "sverify"}
_OTHER_SKIPS = {
    "index": "sh.Index() skips only a partial shorter than the two bytes of an index; yours has a good index",
    "unmarshalbinary": "point.UnmarshalBinary comes after the verification, which has already decoded the "
    "same bytes (kyber's BLS Verify unmarshals the point before its pairing), so it skips nothing the "
    "verification let through — and yours decodes fine anyway",
}


def _norm_error(text: str) -> str:
    text = re.sub(r"^\s*(errors\.new|fmt\.errorf)\s*\(", "", text.strip(), flags=re.I).rstrip(")")
    text = text.strip().strip("\"'`").strip().rstrip(".").lower()
    return re.sub(r"\s+", " ", text.removeprefix("tbls:").strip())


def check_kyber_recover(error_message: Any, verify_call: Any = None) -> Verdict:
    """kyber's ``tbls.Recover``: the error string it returns with fewer than t kept partials, and the name
    of the call in its loop that skips a well-formed partial not made with the signer's share (of the
    three calls that can skip one: ``Index``, ``Verify``, ``UnmarshalBinary``)."""
    if is_stub(error_message) and is_stub(verify_call):
        nudge_if_stub(None, "kyber_recover")
        return Verdict(False)
    if is_stub(error_message) or is_stub(verify_call):
        return report(False, f"answer both questions; {first_hint('kyber_recover')}")
    if not isinstance(error_message, str) or not isinstance(verify_call, str):
        return report(False, "give both answers as strings")
    error = _norm_error(error_message)
    if "good public shares" in error:
        return report(False, "that is RecoverCommit's error; Recover returns its own before calling it")
    if error.startswith("need ") or "got" in error:
        return report(False, "that is drand_edu's message; the question is about kyber's Go code")
    if error != KYBER_RECOVER_ERROR:
        return report(False, "the error string is not the one Recover returns after its loop")
    call = re.sub(r"[^a-z.]", "", verify_call.lower().split("(")[0]).replace(".", "")
    for name, why in _OTHER_SKIPS.items():
        if call in (name, f"sh{name}", f"point{name}"):
            return report(False, f"that call is in the loop too, but it does not skip yours: {why}")
    if call in ("verifypartial", "sverifypartial"):
        return report(False, "Recover does that check, but not by calling VerifyPartial: read the loop again")
    if call in ("verifyrecovered", "sverifyrecovered"):
        return report(False, "VerifyRecovered checks the whole signature; which call checks each partial?")
    if call not in _VERIFY_FORMS:
        return report(False, "not a call of Recover's loop that skips a partial")
    return report(
        True,
        praise="of the three calls that can skip a partial (Index, Verify, UnmarshalBinary), Verify under "
        "public.Eval(i) refuses a well-formed point that share i did not sign (it also decodes the bytes "
        "first, so the later UnmarshalBinary never skips what it passed); with fewer than t kept, Recover "
        "gives up",
    )
