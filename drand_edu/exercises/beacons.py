"""Exercise checkers for notebook 02 (what a drand beacon is).

Five exercises: the message the *next* round signs (Explore), Lagrange weights at zero and the recovery
of a beacon from partials (Implement), steering an interpolation that does not verify partials (Break),
and what kyber's ``tbls.Recover`` does about it (Connect, read in kyber's ``sign/tbls/tbls.go``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..crypto import bls, scheme_by_id
from ..crypto.constants import CURVE_ORDER
from ..crypto.groups import Point
from ..crypto.schemes import Scheme
from ..errors import NotEnoughShares
from ..threshold.poly import PriPoly, lagrange_coefficients
from ..threshold.tbls import recover_signature, sign_partial
from .common import Verdict, first_hint, is_stub, nudge_if_stub, register_hints, report, safely

__all__ = [
    "check_kyber_recover",
    "check_lagrange_at_zero",
    "check_next_message",
    "check_recover_signature",
    "check_steer_interpolation",
]

_RNG = secrets.SystemRandom()


# -- Exercise 1 (Explore): the message of the next round ----------------------------------------------

register_hints(
    "next_message",
    "Which round comes next, and on a chained chain, which signature is 'the previous one' for that round?",
    "The next round is beacon.round + 1. On a chained scheme (info.scheme.chained) it links to the "
    "signature of the beacon you hold — not to that beacon's own previous_signature. An unchained round "
    "signs its number alone.",
    "chained: sha256(beacon.signature ‖ (round + 1) as 8 bytes big-endian); unchained: sha256((round + 1) "
    "as 8 bytes big-endian) — or info.scheme.digest(beacon.round + 1, beacon.signature).",
)


def _as_bytes(value: Any) -> bytes | None:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str):
        try:
            return bytes.fromhex(value.removeprefix("0x"))
        except ValueError:
            return None
    return None


def _info_for(scheme: Scheme) -> ChainInfo:
    return ChainInfo(
        public_key=secrets.token_bytes(scheme.public_key_size),
        period=3,
        genesis_time=1_700_000_000,
        genesis_seed=secrets.token_bytes(32),
        scheme=scheme,
        beacon_id="exercise",
    )


def check_next_message(my_next_message: Callable[[ChainInfo, Beacon], Any] | None) -> Verdict:
    """``my_next_message(info, beacon)``: the 32 bytes that round ``beacon.round + 1`` of the chain signs."""
    if nudge_if_stub(my_next_message, "next_message"):
        return Verdict(False)

    def check() -> bool:
        schemes = ["pedersen-bls-chained", "pedersen-bls-unchained", "bls-unchained-g1-rfc9380"]
        for scheme_id in [*schemes, "pedersen-bls-chained"]:
            scheme = scheme_by_id(scheme_id)
            info = _info_for(scheme)
            for round_number in (0, 1, 255, 2**32 + 5, secrets.randbelow(10**8)):
                signature = secrets.token_bytes(scheme.signature_size)
                previous = secrets.token_bytes(scheme.signature_size) if scheme.chained else b""
                if scheme.chained and round_number == 0:
                    signature, previous = info.genesis_seed, b""  # the genesis "beacon": its seed
                beacon = Beacon(round_number, signature, previous)
                got = _as_bytes(my_next_message(info, beacon))
                want = scheme.digest(round_number + 1, signature)
                if got == want:
                    continue
                if got is None:
                    return report(False, "return the message as bytes (32 of them)")
                if scheme.chained and got == scheme.digest(round_number, previous):
                    return report(False, "that is the message this beacon signed, not the next round's")
                if scheme.chained and got == scheme.digest(round_number + 1, previous):
                    return report(
                        False, "right round, wrong link: which signature will round r + 1 chain to?"
                    )
                if not scheme.chained and got == scheme_by_id("pedersen-bls-chained").digest(
                    round_number + 1, signature
                ):
                    return report(False, f"{scheme_id} is unchained: what does its next round sign?")
                if got in (scheme.digest(round_number, signature), scheme.digest(round_number)):
                    return report(False, "which round comes next?")
                kind = "chained" if scheme.chained else "unchained"
                return report(
                    False, f"not the next message on a {kind} chain ({scheme_id}), round {round_number}"
                )
        return report(
            True,
            praise="right on chained and unchained schemes, from the genesis beacon on: a chained message "
            "needs the newest signature, an unchained one only the round",
        )

    return safely(check, "my_next_message failed")


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


def check_recover_signature(my_recover: Callable[..., object] | None) -> Verdict:
    """``my_recover(scheme, partials, threshold)``: the group's signature from ``[(index, point), ...]``."""
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
            got = my_recover(scheme, partials, t)
            expected = hashed * poly.secret()
            got_bytes = got.to_bytes() if isinstance(got, Point) else _as_bytes(got)
            if got_bytes != expected.to_bytes():
                if isinstance(got, Point) and any(got == p for _, p in partials):
                    return report(
                        False,
                        "that is one partial, not the group's signature: which x does node i's share sit at?",
                    )
                return report(
                    False,
                    f"on {scheme_id} with t = {t} of {len(partials)} partials the result is not the "
                    "group's signature: which x does node i's share sit at?",
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
                got = my_steer(scheme, list(honest), index, target)
                point = got if isinstance(got, Point) else group.from_bytes(_as_bytes(got) or b"")
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

# kyber's tbls Recover checks every partial with s.Scheme.Verify against public.Eval(i) (line 126) and,
# when fewer than t pass, returns errors.New("not enough valid partial signatures") (line 139):
# https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L113-L150
KYBER_RECOVER_ERROR = "not enough valid partial signatures"

register_hints(
    "kyber_recover",
    "Open kyber's tbls Recover (the link in the exercise) and read the loop over sigs, then the lines "
    "right after it.",
    "Inside the loop, one call decides whether a partial is kept (an `err != nil` makes it `continue`); "
    "after the loop, an errors.New(...) is returned when too few were kept. RecoverCommit's error is "
    "another one.",
    f"The call is s.Scheme.Verify (against public.Eval(i).V); the error is {KYBER_RECOVER_ERROR!r}.",
)

_VERIFY_FORMS = {"verify", "schemeverify", "sschemeverify", "blsverify", "sverify"}


def _norm_error(text: str) -> str:
    text = re.sub(r"^\s*(errors\.new|fmt\.errorf)\s*\(", "", text.strip(), flags=re.I).rstrip(")")
    text = text.strip().strip("\"'`").strip().rstrip(".").lower()
    return re.sub(r"\s+", " ", text.removeprefix("tbls:").strip())


def check_kyber_recover(error_message: Any, verify_call: Any = None) -> Verdict:
    """kyber's ``tbls.Recover``: the error string it returns with fewer than t valid partials, and the name
    of the call that decides whether each partial is kept."""
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
    if call in ("verifypartial", "sverifypartial"):
        return report(False, "Recover does that check, but not by calling VerifyPartial: read the loop again")
    if call in ("verifyrecovered", "sverifyrecovered"):
        return report(False, "VerifyRecovered checks the whole signature; which call checks each partial?")
    if call not in _VERIFY_FORMS:
        return report(False, "not the call whose error makes Recover skip a partial")
    return report(
        True,
        praise="Recover keeps a partial only if Verify accepts it under public.Eval(i), and with fewer "
        "than t kept it gives up: a steered point like the Break's is dropped",
    )
