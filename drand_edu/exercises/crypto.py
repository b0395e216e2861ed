"""Exercise checkers for notebook 03 (cryptographic primitives).

They run the learner's function on fresh random keys, messages and rounds against the library, so
passing means "behaves like BLS", not "matches a stored answer". Each exercise registers its hints
in steps next to its checker (``drand_edu.exercises.hint("<name>")`` shows the next one).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from ..crypto import G1, bls, current_backend, scheme_by_id
from ..crypto.bn254 import keccak256
from ..crypto.constants import CURVE_ORDER, FIELD_MODULUS
from ..crypto.groups import CurveGroup, Point
from ..crypto.schemes import SCHEMES, Scheme
from ..errors import InvalidPoint
from .common import Verdict, nudge_if_stub, register_hints, report, safely, type_problem

__all__ = [
    "check_batch_verify",
    "check_bdn_coefficients",
    "check_not_in_subgroup",
    "check_rogue_key",
    "check_scheme_message",
]


# -- Exercise 1 (Explore): the message each scheme signs --------------------------------------------
register_hints(
    "scheme_message",
    "Print the table of section 5 again and look at two columns: 'chained' and 'digest'. Three kinds "
    "of message hide in five schemes.",
    "The round is always written as 8 bytes, big-endian. A chained scheme puts the previous signature "
    "in front of it, but only when there is one (b'' or None: nothing in front). evmnet does not use "
    "sha256; hashlib's sha3_256 is *not* Keccak-256 (drand_edu.crypto.bn254.keccak256 is).",
    "data = (previous_signature or b'') if scheme.chained else b''; data += round_number.to_bytes(8, "
    "'big'); return keccak256(data) if scheme.hash_name == 'keccak256' else hashlib.sha256(data).digest()",
)


def _message(scheme: Scheme, round_number: int, previous_signature: bytes | None) -> bytes:
    """The checker's own copy of drand's ``DigestBeacon`` (so it can forbid ``Scheme.digest``)."""
    data = (previous_signature or b"") if scheme.chained else b""
    data += round_number.to_bytes(8, "big")
    return keccak256(data) if scheme.hash_name == "keccak256" else hashlib.sha256(data).digest()


def _no_digest(*_args: object, **_kwargs: object) -> bytes:
    raise RuntimeError("this exercise is to build the message yourself: scheme.digest is switched off")


def check_scheme_message(my_message: Callable[[Scheme, int, bytes | None], bytes] | None) -> Verdict:
    """``my_message(scheme, round_number, previous_signature)``: the 32 bytes ``scheme`` signs.

    Tried on all five schemes, on rounds 1, 255, 256, 2^32 + 1 and random ones, with a previous
    signature, without one (``b""``) and with ``None``; ``Scheme.digest`` is switched off meanwhile.
    """
    if nudge_if_stub(my_message, "scheme_message"):
        return Verdict(False)

    def check() -> bool:
        rounds = (1, 255, 256, 2**32 + 1, secrets.randbelow(2**40) + 2, secrets.randbelow(2**63))
        # the unchained sha256 schemes first: the simplest case gets the first hint
        for scheme in sorted(SCHEMES.values(), key=lambda s: (s.hash_name != "sha256", s.chained)):
            for round_number in rounds:
                for previous in (secrets.token_bytes(scheme.signature_size), b"", None):
                    expected = _message(scheme, round_number, previous)
                    with mock.patch.object(Scheme, "digest", _no_digest):
                        got = my_message(scheme, round_number, previous)
                    if isinstance(got, str):
                        return report(False, "return the 32 bytes themselves (.digest()), not hex text")
                    if bytes(got) == expected:
                        continue
                    return report(False, _message_hint(scheme, round_number, previous, bytes(got)))
        return report(
            True,
            praise="five schemes, three messages: sha256 with or without the previous signature, and "
            "keccak256 for evmnet",
        )

    return safely(check, "my_message failed")


def _message_hint(scheme: Scheme, round_number: int, previous: bytes | None, got: bytes) -> str:
    """Say which case went wrong, without giving the recipe."""
    where = f"{scheme.id}, round {round_number}"
    if scheme.hash_name == "keccak256":
        if got == hashlib.sha3_256(round_number.to_bytes(8, "big")).digest():
            return f"{where}: that is NIST SHA3-256, which pads differently from Ethereum's Keccak-256"
        return f"{where}: evmnet does not hash with sha256 (see the 'digest' column)"
    if scheme.chained and previous:
        round_bytes = round_number.to_bytes(8, "big")
        if got == hashlib.sha256(round_bytes).digest():
            return f"{where}, with a previous signature: a chained scheme signs more than the round"
        if got == hashlib.sha256(hashlib.sha256(previous).digest() + round_bytes).digest():
            return (
                f"{where}: that chains the previous *randomness* (sha256 of the signature); drand's "
                "DigestFunc writes the previous signature's own bytes"
            )
        if got == hashlib.sha256(round_bytes + previous).digest():
            return f"{where}: the right pieces in the wrong order; the previous signature goes first"
        return f"{where}, with a previous signature: what goes in first, and is anything in between?"
    if scheme.chained:
        return f"{where}, previous signature {previous!r}: with nothing to chain, what is left to hash?"
    return f"{where}: an unchained scheme signs the round alone (how many bytes, which byte order?)"


# -- Exercise 2 (Implement): many signatures, one pairing check ----------------------------------------
register_hints(
    "batch_verify",
    "Two pairings must cover all n signatures. Bilinearity lets you add inside a pairing: "
    "e(pk, A) · e(pk, B) = e(pk, A + B).",
    "Adding the signatures and the hashes as they are is not enough: swap two signatures, or add D to "
    "one and subtract it from another, and the sums do not change. Weigh each pair with its own fresh, "
    "full-width random number r_i (secrets.randbelow(2**64) or more: 8 bits, or a fixed seed, let an "
    "attacker pick errors that cancel). And the key ∞ passes any pairing check: section 3 says why.",
    "if public_key.is_identity(): return False; r = [1 + secrets.randbelow(2**64) for _ in messages]; "
    "H = scheme.sig_group.msm([bls.hash_message(scheme, m) for m in messages], r); S = "
    "scheme.sig_group.msm(signatures, r); return pairing_check([(public_key, H), "
    "(-scheme.key_group.generator(), S)])",
)

#: Weights are "full width" when they reach this many bits (uniform 64-bit weights do, all but surely,
#: among the checker's ``_MIN_WEIGHTS`` draws; 8-bit or 32-bit ones never do).
_WEIGHT_BITS, _MIN_WEIGHTS = 60, 16


class _PairingCounter:
    """Counts the backend's pairing checks (and pairs) while the learner's function runs, and records the
    scalars the signatures are multiplied by (the learner's weights)."""

    def __init__(self) -> None:
        self.checks: list[int] = []
        self.pairings = 0
        self.weights: list[int] = []


@contextmanager
def _count_pairings(signatures: list[Point] | None = None) -> Iterator[_PairingCounter]:
    counter = _PairingCounter()
    backend = current_backend()
    real_check, real_pairing = backend.pairing_check, backend.pairing
    real_mul, real_msm = Point.__mul__, CurveGroup.msm
    watched = {s.to_bytes() for s in signatures or ()}

    def counting_check(pairs: Any) -> bool:
        pairs = list(pairs)
        counter.checks.append(len(pairs))
        return real_check(pairs)

    def counting_pairing(p: Any, q: Any) -> Any:
        counter.pairings += 1
        return real_pairing(p, q)

    def watching_mul(point: Point, scalar: Any) -> Any:
        if isinstance(scalar, int) and point.to_bytes() in watched:
            counter.weights.append(scalar % point.group.order)
        return real_mul(point, scalar)

    def watching_msm(group: CurveGroup, points: Any, scalars: Any) -> Point:
        points, scalars = list(points), list(scalars)
        counter.weights += [
            int(s) % group.order for p, s in zip(points, scalars, strict=False) if p.to_bytes() in watched
        ]
        return real_msm(group, points, scalars)

    with mock.patch.object(backend, "pairing_check", counting_check), \
            mock.patch.object(backend, "pairing", counting_pairing), \
            mock.patch.object(Point, "__mul__", watching_mul), \
            mock.patch.object(Point, "__rmul__", watching_mul), \
            mock.patch.object(CurveGroup, "msm", watching_msm):  # fmt: skip
        yield counter


def check_batch_verify(my_batch_verify: Callable[..., bool] | None) -> Verdict:
    """``my_batch_verify(scheme, public_key, messages, signatures)``: all valid, with ONE pairing check.

    ``signatures`` are points. Tried on keys on G1 (mainnet's scheme) and on G2 (quicknet's), on honest
    batches of 1, 2 and 5, on batches that an unweighted (or fixed-weight) sum would accept, on the key ∞
    with ∞ signatures, and on forged batches built from the learner's own weights: weights that come
    back the same on a second call (a fixed seed, a hash of the messages) are predicted and cancelled,
    and weights narrower than ``_WEIGHT_BITS`` bits are refused (errors cancel once in 2^bits batches).
    """
    if nudge_if_stub(my_batch_verify, "batch_verify"):
        return Verdict(False)

    def run(scheme: Scheme, public: Point, messages: list[bytes], signatures: list[Point]) -> Any:
        with _count_pairings(signatures) as counter:
            got = my_batch_verify(scheme, public, list(messages), list(signatures))
        return got, counter

    def check() -> bool:
        weights: list[int] = []
        for scheme_id in ("pedersen-bls-chained", "bls-unchained-g1-rfc9380"):
            scheme = scheme_by_id(scheme_id)
            keys = bls.keygen(scheme)
            for what, public, messages, signatures, expected in _cases_for(scheme, keys):
                got, counter = run(scheme, public, messages, signatures)
                weights += counter.weights
                if len(counter.checks) > 1 or counter.pairings:
                    calls = len(counter.checks) + counter.pairings
                    return report(
                        False,
                        f"on {what} your function paired {calls} times: the point is ONE pairing_check "
                        "for the whole batch (bls.verify per signature is one check each)",
                    )
                if counter.checks and counter.checks[0] > 2 and expected:
                    return report(
                        False,
                        f"one pairing_check, but with {counter.checks[0]} pairs: the pairs that share "
                        "the public key can be merged into one",
                    )
                if got and not expected and counter.weights:  # a forged batch passed: say why
                    why = _predicted_forgery(scheme, keys, run, forge=False) or _narrow(counter.weights)
                    if why:
                        return report(False, f"{what} was accepted: {why}")
                if bool(got) != expected:
                    verdict = "accepted" if got else "refused"
                    why = ": the sums alone cannot tell; weigh each pair" if got and not expected else ""
                    if "∞" in what and got:
                        why = ": with the key ∞ every pairing is 1 (section 3) — refuse that key"
                    return report(
                        False, f"on {scheme_id} ({scheme.key_group.name} keys), {what} was {verdict}{why}"
                    )
            forged = _predicted_forgery(scheme, keys, run)
            if forged:
                return report(False, forged)
        if len(weights) >= _MIN_WEIGHTS and _narrow(weights):
            return report(False, _narrow(weights) or "")
        return report(
            True,
            praise="n signatures, one pairing check of two pairs, the key ∞ refused, and fresh full-width "
            "random weights, so that no shifted, swapped or predicted batch adds up",
        )

    return safely(check, "my_batch_verify failed")


def _narrow(weights: list[int]) -> str | None:
    """The refusal for weights that never reach ``_WEIGHT_BITS`` bits, or None (none seen, or wide)."""
    if not weights or max(w.bit_length() for w in weights) >= _WEIGHT_BITS:
        return None
    bits = max(w.bit_length() for w in weights)
    return (
        f"your weights never reach {_WEIGHT_BITS} bits (the largest had {bits}): with σ1 + D and σ2 − D in "
        f"a batch, the errors cancel whenever r1 = r2 — about once in 2^{bits} batches, which an attacker "
        "can simply retry. Draw full-width weights (64 bits or more)"
    )


def _predicted_forgery(scheme: Scheme, keys: Any, run: Callable[..., Any], forge: bool = True) -> str | None:
    """Call the learner twice on one honest batch; if the weights repeat, forge a batch they cannot catch.

    With weights w1, w2 known in advance, σ1 + w2·D and σ2 − w1·D add w1·w2·D − w2·w1·D = 0 to the
    weighted sum. Returns the refusal to print when the learner's function accepts that forged batch.
    """
    messages = [secrets.token_bytes(32) for _ in range(3)]
    good = [bls.hash_message(scheme, m) * keys.secret for m in messages]
    _, first = run(scheme, keys.public, messages, good)
    _, second = run(scheme, keys.public, messages, good)
    if len(first.weights) < 2 or first.weights != second.weights:
        return None
    if not forge:
        return "your weights are the same on every call, so an attacker knows them in advance"
    w1, w2 = first.weights[:2]
    shift = scheme.sig_group.generator() * (1 + secrets.randbelow(2**64))
    forged = [good[0] + shift * w2, good[1] - shift * w1, *good[2:]]
    got, _ = run(scheme, keys.public, messages, forged)
    if not got:
        return None
    return (
        f"on {scheme.id} your weights were the same on two calls, so an attacker knows them in advance: "
        "σ1 + w2·D and σ2 − w1·D cancel under them, and your function accepted that forged batch. Weights "
        "must be fresh and random on every call (secrets, not a seeded generator or a hash of the messages)"
    )


def _cases_for(scheme: Scheme, keys: Any) -> list[tuple[str, Point, list[bytes], list[Point], bool]]:
    """The batches of :func:`check_batch_verify` (what, public key, messages, signatures, valid?)."""

    def signed(messages: list[bytes], secret: int = keys.secret) -> list[Point]:
        return [bls.hash_message(scheme, m) * secret for m in messages]

    public = keys.public
    cases: list[tuple[str, Point, list[bytes], list[Point], bool]] = []
    for n in (1, 2, 5):
        messages = [secrets.token_bytes(32) for _ in range(n)]
        cases.append((f"{n} valid signature(s)", public, messages, signed(messages), True))
    messages = [secrets.token_bytes(32) for _ in range(4)]
    good = signed(messages)
    other = bls.hash_message(scheme, b"another message") * keys.secret
    cases.append(
        ("a batch with one signature of another message", public, messages, [*good[:3], other], False)
    )
    cases.append(
        ("a batch with two signatures swapped", public, messages, [good[1], good[0], *good[2:]], False)
    )
    shift = scheme.sig_group.generator() * (1 + secrets.randbelow(2**64))
    for a, b in ((1, 1), (2, 1), (1, 2), (3, 2)):
        moved = [good[0] + shift * a, good[1] - shift * b, *good[2:]]
        cases.append((f"a batch with σ1 + {a}·D and σ2 - {b}·D", public, messages, moved, False))
    cases.append(
        ("a batch signed by another key", public, messages, signed(messages, keys.secret + 1), False)
    )
    nothing = [scheme.sig_group.identity()] * len(messages)
    cases.append(("the key ∞ with ∞ signatures", scheme.key_group.identity(), messages, nothing, False))
    return cases


# -- Exercise 3 (Break): a rogue key against naive key aggregation -------------------------------------
register_hints(
    "rogue_key",
    "You never learn the victim's secret, and you do not need it: you choose your *public* key after "
    "seeing theirs. What should the sum victim + yours be, so that you can sign for it?",
    "Make the aggregate a key whose secret you know: pick a random a, and let your key be a·g minus "
    "the victim's key (g = scheme.key_group.generator()). Then the aggregate is a·g.",
    "a = 1 + secrets.randbelow(CURVE_ORDER - 1); rogue = g * a - victim_public; return rogue, "
    "bls.hash_message(scheme, message) * a",
)


def check_rogue_key(my_rogue: Callable[..., tuple[Any, Any]] | None) -> Verdict:
    """``my_rogue(scheme, victim_public, message) -> (rogue_public, signature)``.

    A break when ``bls.verify`` accepts ``signature`` for ``message`` under the naive aggregate
    ``victim_public + rogue_public`` (kyber's ``AggregatePublicKeys`` adds keys that way), for fresh
    victims and messages on keys in G1 and in G2. The victim never signs anything. An aggregate
    that is the point at infinity is refused by ``bls.verify``, so it is no break.
    """
    if nudge_if_stub(my_rogue, "rogue_key"):
        return Verdict(False)

    def check() -> bool:
        for scheme_id in ("pedersen-bls-chained", "bls-unchained-g1-rfc9380", "pedersen-bls-chained"):
            scheme = scheme_by_id(scheme_id)
            victim = bls.keygen(scheme).public
            message = secrets.token_bytes(32)
            answer = my_rogue(scheme, victim, message)
            if not isinstance(answer, (tuple, list)) or len(answer) != 2:
                return report(False, "return a pair: (your public key, the signature of the aggregate)")
            rogue, signature = answer
            if isinstance(rogue, str) or isinstance(signature, str):
                return report(False, type_problem("hex", "point") or "")
            if isinstance(rogue, (bytes, bytearray)):
                rogue = scheme.key_group.from_bytes(bytes(rogue))
            if not isinstance(rogue, Point) or rogue.group is not scheme.key_group:
                return report(False, f"your key must be a point of the key group ({scheme.key_group.name})")
            signature = signature.to_bytes() if isinstance(signature, Point) else bytes(signature)
            aggregate = victim + rogue
            if aggregate.is_identity():
                return report(
                    False,
                    "your key cancels the victim's: the aggregate is ∞, and bls.verify refuses the key ∞",
                )
            if bls.verify(scheme, aggregate, hashlib.sha256(message).digest(), signature):
                return report(
                    False,
                    "that signs sha256(message), not the message: BLS hashes the message to the curve "
                    "itself (bls.hash_message), so pass the message as it is",
                )
            if not bls.verify(scheme, aggregate, message, signature):
                return report(
                    False,
                    f"on {scheme_id}, the signature does not verify under victim + your key. Signing with "
                    "a key of your own is not enough: the aggregate must be a key whose secret you know",
                )
        return report(
            True,
            praise="a key chosen after seeing the victim's made the sum yours: naive aggregation of keys "
            "nobody proved they own accepts a signature the victim never made",
        )

    return safely(check, "my_rogue failed")


# -- Exercise 4 (Break): a point of small order, outside G1 ------------------------------------------
#: The cofactor of G1: the curve y² = x³ + 4 over F_p has G1_COFACTOR · r points (p + 1 - trace, with
#: trace = 1 + z, z = -0xd201000000010000 the BLS parameter), so h · T = ∞ for every point T outside
#: the G1 part, and r · P kills the G1 part of any curve point P.
G1_COFACTOR = 0x396C8C005555E1568C00AAAB0000AAAB

register_hints(
    "not_in_subgroup",
    "Every curve point is a G1 part plus a small part (its order divides the cofactor h). You want a "
    "point that is *only* small part: which multiple of a curve point kills its G1 part?",
    "r · P has no G1 part left (r = CURVE_ORDER). So: an x for which x³ + 4 is a square mod p (Euler's "
    "criterion), its y = (x³ + 4)^((p + 1) / 4) mod p, then py_ecc.optimized_bls12_381's multiply and "
    "py_ecc.bls.point_compression's compress_G1. Or think of x = 0: what is 2·(0, 2) on y² = x³ + 4?",
    "(0, 2) has order 3: the tangent there is flat, 2·(0, 2) = (0, -2) = -(0, 2). Its compressed form is "
    "x = 0 with the flag 0x80: encoded = bytes([0x80]) + bytes(47)",
)


def _curve_point(data: bytes) -> tuple[int, int] | str:
    """``(x, y)`` of a compressed G1 encoding, decoded here (not by the library); or what is wrong."""
    if len(data) != 48 or not data[0] & 0x80:
        return "a compressed G1 point is 48 bytes with the top bit (0x80) set"
    if data[0] & 0x40:
        if data[0] == 0xC0 and not any(data[1:]):
            return "that is the point at infinity (flag 0x40, all else zero): it is in G1, its order is 1"
        return (
            "the infinity flag (0x40) is set, but the other bits are not all zero: that is no encoding of "
            "any point, a decoder refuses it before looking at a curve"
        )
    x = int.from_bytes(bytes([data[0] & 0x1F]) + data[1:], "big")
    if x >= FIELD_MODULUS:
        return (
            "that x is p or more: not a canonical field element (x must be below p), so the encoding is "
            "refused before any curve check"
        )
    rhs = (x**3 + 4) % FIELD_MODULUS
    if pow(rhs, (FIELD_MODULUS - 1) // 2, FIELD_MODULUS) != 1:
        return "that x is not on the curve at all: x³ + 4 must be a square mod p"
    y = pow(rhs, (FIELD_MODULUS + 1) // 4, FIELD_MODULUS)  # p = 3 mod 4
    larger = y > FIELD_MODULUS - y
    if bool(data[0] & 0x20) != larger:
        y = FIELD_MODULUS - y
    return x, y


def check_not_in_subgroup(encoded: bytes | None) -> Verdict:
    """``encoded``: 48 bytes of a curve point T ≠ ∞ with h · T = ∞, so T has no G1 part at all.

    Checked with our own decoding and py_ecc's arithmetic (which does not care about subgroups), then
    ``G1.from_bytes`` must refuse it for the subgroup. A point on the curve with a G1 part is no break:
    that is almost every point, and σ + T needs a T of small order.
    """
    if nudge_if_stub(encoded, "not_in_subgroup"):
        return Verdict(False)

    def check() -> bool:
        from py_ecc.optimized_bls12_381 import FQ, is_inf, multiply

        wrong_type = type_problem(encoded, "bytes")
        if wrong_type:
            return report(False, wrong_type)
        point = _curve_point(bytes(encoded))
        if isinstance(point, str):
            return report(False, point)
        x, y = point
        jacobian = (FQ(x), FQ(y), FQ(1))
        if is_inf(multiply(jacobian, CURVE_ORDER)):
            return report(False, "r · T = ∞: that point is in G1. Find one outside it")
        if not is_inf(multiply(jacobian, G1_COFACTOR)):
            return report(
                False,
                "on the curve and outside G1, but its order is huge: it still has a G1 part. An attacker "
                "adds a point of *small* order (h · T = ∞) to a signature",
            )
        try:
            G1.from_bytes(bytes(encoded))
        except InvalidPoint as exc:
            if "subgroup" in str(exc):
                order = next((k for k in range(2, 1000) if is_inf(multiply(jacobian, k))), None)
                what = f"order {order}" if order else "an order that divides the cofactor"
                return report(True, praise=f"a point of {what}, with no G1 part, refused when decoded")
            return report(False, f"rejected for another reason: {exc}")
        return report(False, "G1.from_bytes accepted it: look at your flag bits again")

    return safely(check, "checking your bytes failed")


# -- Exercise 5 (Connect): how kyber's bdn fixes naive aggregation --------------------------------------
#: kyber's ``hashPointToR`` (sign/bdn/bdn.go, L33-L68 at d3ad80c):
#: https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bdn/bdn.go#L33-L68
#: hashes every key of the roster with ``blake2s.NewXOF`` and cuts the output into 16-byte pieces,
#: each read as an integer modulo 2^128 - 1 (``modulus128``, L27): coefficients of 128 bits.
BDN_HASH, BDN_COEFFICIENT_BITS = "blake2s", 128

register_hints(
    "bdn_coefficients",
    "Open hashPointToR in kyber's sign/bdn/bdn.go (the link in the task) and read it top to bottom: "
    "which package makes the hash, and how is its output cut?",
    "The hash is created with <package>.NewXOF(...); the output is read into make([]byte, 16*len(pubs)) "
    "and each coefficient is one slice of it, reduced by modulus128. 16 bytes are how many bits?",
    "answer = (the package's name in lowercase, 8 × the size of one slice)",
)


_HASH_NAMES = r"blake2[bs]?|sha3[-_]?\d*|sha-?\d+|keccak-?\d*|md5"


def _hashes_and_numbers(answer: Any) -> tuple[set[str], list[int]]:
    """The hash names and the whole numbers in an answer given as a str, a tuple/list or a dict."""
    parts = list(answer.values()) if isinstance(answer, dict) else answer
    parts = list(parts) if isinstance(parts, (tuple, list)) else [parts]
    text = " ".join(str(part) for part in parts).lower()
    hashes = set(re.findall(_HASH_NAMES, text))
    numbers = [int(n) for n in re.findall(r"\d+", re.sub(_HASH_NAMES, " ", text))]
    return hashes, numbers


def check_bdn_coefficients(answer: Any) -> Verdict:
    """``answer = (hash, bits)``: the hash kyber's ``hashPointToR`` uses, and the bits of a coefficient."""
    if nudge_if_stub(answer, "bdn_coefficients"):
        return Verdict(False)

    def check() -> bool:
        hashes, numbers = _hashes_and_numbers(answer)
        if not hashes:
            return report(False, "name the hash function first (the package that makes the XOF)")
        if hashes != {BDN_HASH}:
            wrong = ", ".join(sorted(hashes))
            if "blake2b" in hashes:
                return report(False, "blake2b is drand's identity hash (session 3, section 8); look again")
            return report(False, f"{wrong}: not the hash hashPointToR creates; look at its h := … line")
        if not numbers:
            return report(False, "and how many bits has one coefficient?")
        if 16 in numbers and BDN_COEFFICIENT_BITS not in numbers:
            return report(False, "16 is the size of one slice in bytes; the question asks for bits")
        if BDN_COEFFICIENT_BITS not in numbers or not set(numbers) <= {16, BDN_COEFFICIENT_BITS}:
            return report(False, "right hash, but not the size of one coefficient: how long is one slice?")
        return report(
            True,
            praise="blake2s over the whole roster of keys, cut into 128-bit weights: a key chosen after "
            "seeing the others changes every weight, so it cannot cancel anyone",
        )

    return safely(check, "reading your answer failed")
