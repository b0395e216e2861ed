"""Notebook-03 checkers: a stub gets the nudge, a wrong answer "not yet" and a hint, a right one "correct"."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from drand_edu.crypto import G1, bls, pairing_check
from drand_edu.crypto.bn254 import keccak256
from drand_edu.crypto.constants import CURVE_ORDER, FIELD_MODULUS
from drand_edu.exercises import CORRECT
from drand_edu.exercises.crypto import (
    check_batch_verify,
    check_bdn_coefficients,
    check_not_in_subgroup,
    check_rogue_key,
    check_scheme_message,
)
from drand_edu.viz.crypto import plot_toy_curve, toy_add, toy_curve_points, toy_multiply, toy_order

from .conftest import assert_exercises_in_rhythm, assert_stub_gets_the_nudge, verdict


# -- Exercise 1: the message of every scheme -------------------------------------------------------
def right_message(scheme, round_number, previous_signature):
    data = (previous_signature or b"") if scheme.chained else b""
    data += round_number.to_bytes(8, "big")
    return keccak256(data) if scheme.hash_name == "keccak256" else hashlib.sha256(data).digest()


def right_message_bytearray(scheme, round_number, previous_signature):
    h = bytearray(previous_signature) if scheme.chained and previous_signature else bytearray()
    h.extend(round_number.to_bytes(8, "big"))
    if scheme.id.startswith("bls-bn254"):
        return bytearray(keccak256(bytes(h)))
    return hashlib.sha256(h).digest()


def test_scheme_message(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_scheme_message, "scheme_message")
    assert CORRECT in verdict(capsys, check_scheme_message, right_message)
    assert CORRECT in verdict(capsys, check_scheme_message, right_message_bytearray)

    def unchained_only(scheme, r, prev):
        return hashlib.sha256(r.to_bytes(8, "big")).digest()

    def nist_sha3(scheme, r, prev):
        if scheme.hash_name == "keccak256":
            return hashlib.sha3_256(r.to_bytes(8, "big")).digest()
        return right_message(scheme, r, prev)

    def little_endian(scheme, r, prev):
        return hashlib.sha256(r.to_bytes(8, "little")).digest()

    def the_library(scheme, r, prev):
        return scheme.digest(r, prev)

    def hex_text(scheme, r, prev):
        return right_message(scheme, r, prev).hex()

    assert "chained scheme signs more" in verdict(capsys, check_scheme_message, unchained_only)
    assert "SHA3-256" in verdict(capsys, check_scheme_message, nist_sha3)
    assert "unchained scheme signs the round" in verdict(capsys, check_scheme_message, little_endian)
    assert "switched off" in verdict(capsys, check_scheme_message, the_library)
    assert "not hex" in verdict(capsys, check_scheme_message, hex_text)


# -- Exercise 2: batch verification ------------------------------------------------------------------
def right_batch(scheme, public_key, messages, signatures):
    if public_key.is_identity():
        return False
    weights = [1 + secrets.randbelow(2**64) for _ in messages]
    hashed = scheme.sig_group.msm([bls.hash_message(scheme, m) for m in messages], weights)
    summed = scheme.sig_group.msm(signatures, weights)
    return pairing_check([(public_key, hashed), (-scheme.key_group.generator(), summed)])


def right_batch_loop(scheme, public_key, messages, signatures):
    if public_key == scheme.key_group.identity():
        return False
    hashed, summed = scheme.sig_group.identity(), scheme.sig_group.identity()
    for m, s in zip(messages, signatures, strict=True):
        r = secrets.randbits(128) | 1
        hashed, summed = hashed + bls.hash_message(scheme, m) * r, summed + s * r
    return pairing_check([(-public_key, hashed), (scheme.key_group.generator(), summed)])


def test_batch_verify(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_batch_verify, "batch_verify")
    assert CORRECT in verdict(capsys, check_batch_verify, right_batch)
    assert CORRECT in verdict(capsys, check_batch_verify, right_batch_loop)

    def unweighted(scheme, pk, messages, signatures):
        hashed = scheme.sig_group.sum(bls.hash_message(scheme, m) for m in messages)
        return pairing_check(
            [(pk, hashed), (-scheme.key_group.generator(), scheme.sig_group.sum(signatures))]
        )

    def fixed_weights(scheme, pk, messages, signatures):
        weights = list(range(1, len(messages) + 1))
        hashed = scheme.sig_group.msm([bls.hash_message(scheme, m) for m in messages], weights)
        summed = scheme.sig_group.msm(signatures, weights)
        return pairing_check([(pk, hashed), (-scheme.key_group.generator(), summed)])

    def one_by_one(scheme, pk, messages, signatures):
        return all(bls.verify(scheme, pk, m, s.to_bytes()) for m, s in zip(messages, signatures, strict=True))

    def many_pairs(scheme, pk, messages, signatures):
        weights = [1 + secrets.randbelow(2**64) for _ in messages]
        pairs = [(pk, bls.hash_message(scheme, m) * w) for m, w in zip(messages, weights, strict=True)]
        summed = scheme.sig_group.msm(signatures, weights)
        return pairing_check([*pairs, (-scheme.key_group.generator(), summed)])

    assert "weigh each pair" in verdict(capsys, check_batch_verify, unweighted)
    assert "same on every call" in verdict(capsys, check_batch_verify, fixed_weights)
    assert "ONE pairing_check" in verdict(capsys, check_batch_verify, one_by_one)
    assert "merged" in verdict(capsys, check_batch_verify, many_pairs)
    assert "refused" in verdict(capsys, check_batch_verify, lambda *a: False)


def _weighted(weight):
    """A batch verifier as learners write it, with their own way of drawing the weights."""

    def batch(scheme, pk, messages, signatures):
        if pk.is_identity():
            return False
        weights = [weight(scheme, messages, signatures, i) for i in range(len(messages))]
        hashed = scheme.sig_group.msm([bls.hash_message(scheme, m) for m in messages], weights)
        summed = scheme.sig_group.msm(signatures, weights)
        return pairing_check([(pk, hashed), (-scheme.key_group.generator(), summed)])

    return batch


def test_batch_verify_refuses_weights_an_attacker_can_beat(capsys) -> None:
    """Forged batches that only fresh, full-width random weights catch, and the key ∞."""
    import hashlib
    import random

    def full_width(scheme, messages, signatures, i):
        return 1 + secrets.randbelow(2**64)

    def eight_bits(scheme, messages, signatures, i):  # σ1 + D, σ2 − D cancel once in 256 batches
        return 1 + secrets.randbelow(2**8)

    def thirty_two_bits(scheme, messages, signatures, i):
        return 1 + secrets.randbelow(2**32)

    def fixed_seed(scheme, messages, signatures, i):  # "reproducible" weights: known to the attacker too
        return random.Random(f"batch-{i}").getrandbits(64) | 1

    def hash_of_messages(scheme, messages, signatures, i):  # deterministic, and blind to the signatures
        return int.from_bytes(hashlib.sha256(b"".join(messages) + bytes([i])).digest(), "big")

    def hash_of_everything(scheme, messages, signatures, i):  # deterministic, but binds the signatures
        data = b"".join(messages) + b"".join(s.to_bytes() for s in signatures) + bytes([i])
        return int.from_bytes(hashlib.sha256(data).digest(), "big")

    def trusts_every_key(scheme, pk, messages, signatures):  # right weights, no check of the key ∞
        weights = [1 + secrets.randbelow(2**64) for _ in messages]
        hashed = scheme.sig_group.msm([bls.hash_message(scheme, m) for m in messages], weights)
        summed = scheme.sig_group.msm(signatures, weights)
        return pairing_check([(pk, hashed), (-scheme.key_group.generator(), summed)])

    def refuses_infinity(scheme, pk, messages, signatures):
        return not pk.is_identity() and right_batch(scheme, pk, messages, signatures)

    assert CORRECT in verdict(capsys, check_batch_verify, _weighted(full_width))
    assert CORRECT in verdict(capsys, check_batch_verify, _weighted(hash_of_everything))
    assert CORRECT in verdict(capsys, check_batch_verify, refuses_infinity)
    assert "never reach" in verdict(
        capsys, check_batch_verify, _weighted(eight_bits)
    )  # or a forged batch passed
    assert "never reach" in verdict(capsys, check_batch_verify, _weighted(thirty_two_bits))
    assert "accepted that forged batch" in verdict(capsys, check_batch_verify, _weighted(fixed_seed))
    assert "accepted that forged batch" in verdict(capsys, check_batch_verify, _weighted(hash_of_messages))
    assert "refuse that key" in verdict(capsys, check_batch_verify, trusts_every_key)


# -- Exercise 3: the rogue key -------------------------------------------------------------------------
def right_rogue(scheme, victim_public, message):
    a = 1 + secrets.randbelow(CURVE_ORDER - 1)
    rogue = scheme.key_group.generator() * a - victim_public
    return rogue, bls.hash_message(scheme, message) * a


def right_rogue_bytes(scheme, victim_public, message):
    a = secrets.randbelow(2**64) + 2
    rogue = (scheme.key_group.generator() * a + (-victim_public)).to_bytes()
    return [rogue, bls.sign(scheme, a, message)]


def test_rogue_key(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_rogue_key, "rogue_key")
    assert CORRECT in verdict(capsys, check_rogue_key, right_rogue)
    assert CORRECT in verdict(capsys, check_rogue_key, right_rogue_bytes)

    def own_key(scheme, victim, message):
        keys = bls.keygen(scheme)
        return keys.public, bls.hash_message(scheme, message) * keys.secret

    def cancel(scheme, victim, message):
        return -victim, scheme.sig_group.identity()

    def no_pair(scheme, victim, message):
        return -victim

    assert "whose secret you know" in verdict(capsys, check_rogue_key, own_key)
    assert "refuses the key ∞" in verdict(capsys, check_rogue_key, cancel)
    assert "return a pair" in verdict(capsys, check_rogue_key, no_pair)

    def as_hex(scheme, victim, message):  # one rule for types: no hex text
        rogue, signature = right_rogue(scheme, victim, message)
        return rogue.to_bytes().hex(), signature.to_bytes().hex()

    assert "not its encoding" in verdict(capsys, check_rogue_key, as_hex)
    assert "key group" in verdict(capsys, check_rogue_key, lambda s, v, m: (bls.hash_message(s, m), b""))


# -- Exercise 4: a point of small order, off G1 --------------------------------------------------------
def compressed(x: int, larger_y: bool = False) -> bytes:
    raw = bytearray(x.to_bytes(48, "big"))
    raw[0] |= 0x80 | (0x20 if larger_y else 0)
    return bytes(raw)


def test_not_in_subgroup(capsys) -> None:
    from py_ecc.bls.point_compression import compress_G1
    from py_ecc.optimized_bls12_381 import FQ, multiply

    squares = [x for x in range(1, 200) if pow(x**3 + 4, (FIELD_MODULUS - 1) // 2, FIELD_MODULUS) == 1]
    off_curve = next(x for x in range(1, 100) if pow(x**3 + 4, (FIELD_MODULUS - 1) // 2, FIELD_MODULUS) != 1)
    x = squares[-1]
    y = pow(x**3 + 4, (FIELD_MODULUS + 1) // 4, FIELD_MODULUS)
    cleared = multiply((FQ(x), FQ(y), FQ(1)), CURVE_ORDER)  # its G1 part removed
    assert_stub_gets_the_nudge(capsys, check_not_in_subgroup, "not_in_subgroup")
    three = verdict(capsys, check_not_in_subgroup, compressed(0))
    assert CORRECT in three and "order 3" in three
    assert CORRECT in verdict(capsys, check_not_in_subgroup, compressed(0, larger_y=True))
    assert "not hex text" in verdict(
        capsys, check_not_in_subgroup, "0x" + compressed(0).hex()
    )  # one type rule
    malformed = bytes([0xC0]) + bytes(46) + b"\x01"  # the infinity flag over a nonzero x: no point at all
    out = verdict(capsys, check_not_in_subgroup, malformed)
    assert "no encoding of any point" in out and "that is the point at infinity" not in out
    big_x = compressed(FIELD_MODULUS + 0)  # x = p: the same as x = 0 if reduced, but not canonical
    out = verdict(capsys, check_not_in_subgroup, big_x)
    assert "canonical" in out and "not on the curve" not in out
    assert CORRECT in verdict(capsys, check_not_in_subgroup, compress_G1(cleared).to_bytes(48, "big"))
    assert "still has a G1 part" in verdict(capsys, check_not_in_subgroup, compressed(squares[0]))
    assert "not on the curve" in verdict(capsys, check_not_in_subgroup, compressed(off_curve))
    assert "is in G1" in verdict(capsys, check_not_in_subgroup, (G1.generator() * 5).to_bytes())
    assert "infinity" in verdict(capsys, check_not_in_subgroup, G1.identity().to_bytes())
    assert "48 bytes" in verdict(capsys, check_not_in_subgroup, b"\x80" * 10)
    assert "48 bytes" in verdict(capsys, check_not_in_subgroup, squares[0].to_bytes(48, "big"))


# -- Exercise 5 (Connect): kyber's bdn coefficients -------------------------------------------------------
def test_bdn_coefficients(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_bdn_coefficients, "bdn_coefficients")
    for right in (("blake2s", 128), "BLAKE2s XOF, 128 bits", {"hash": "blake2s.NewXOF", "bits": "128"}):
        assert CORRECT in verdict(capsys, check_bdn_coefficients, right)
    assert "identity hash" in verdict(capsys, check_bdn_coefficients, ("blake2b", 128))
    assert "not the hash" in verdict(capsys, check_bdn_coefficients, ("sha256", 128))
    assert "in bytes" in verdict(capsys, check_bdn_coefficients, ("blake2s", 16))
    assert "not the size" in verdict(capsys, check_bdn_coefficients, ("blake2s", 256))
    assert "how many bits" in verdict(capsys, check_bdn_coefficients, "blake2s")
    assert "name the hash" in verdict(capsys, check_bdn_coefficients, 128)


def test_toy_curve_is_a_group() -> None:
    p = 53
    points = toy_curve_points(p)
    assert len(points) == 53  # with the point at infinity: 54, as the notebook says
    assert all((y * y - x**3 - 4) % p == 0 for x, y in points)
    g = max(points, key=lambda point: toy_order(point, p))
    assert toy_order(g, p) == 54
    assert toy_multiply(g, 54, p) is None
    assert toy_add(toy_multiply(g, 20, p), toy_multiply(g, 30, p), p) == toy_multiply(g, 50, p)
    assert plot_toy_curve(p).axes


def test_the_notebook_exercises_keep_the_rhythm_and_name_their_hints() -> None:
    assert_exercises_in_rhythm(
        Path(__file__).resolve().parent.parent / "notebooks" / "src" / "03_crypto_primitives.py"
    )


# -- Issue 22: per exercise, the insecure-but-plausible answers a hurried engineer writes ---------------
def _sha_or_keccak(scheme, data: bytes) -> bytes:
    return keccak256(data) if scheme.hash_name == "keccak256" else hashlib.sha256(data).digest()


def chains_the_randomness(scheme, r, prev):  # uses beacon.randomness (sha256 of the signature) as the link
    link = hashlib.sha256(prev).digest() if scheme.chained and prev else b""
    return _sha_or_keccak(scheme, link + r.to_bytes(8, "big"))


def round_then_previous(scheme, r, prev):
    return _sha_or_keccak(scheme, r.to_bytes(8, "big") + ((prev or b"") if scheme.chained else b""))


def rounds_as_uint32(scheme, r, prev):  # wraps after 2^32 rounds: two rounds, one message
    return _sha_or_keccak(scheme, ((prev or b"") if scheme.chained else b"") + (r % 2**32).to_bytes(4, "big"))


def rogue_hashes_first(scheme, victim, message):  # signs sha256(m): BLS hashes to the curve itself
    a = 1 + secrets.randbelow(CURVE_ORDER - 1)
    return scheme.key_group.generator() * a - victim, bls.sign(scheme, a, hashlib.sha256(message).digest())


def rogue_on_g1_only(scheme, victim, message):  # right on mainnet's G1 keys, wrong for quicknet's G2 keys
    a = 1 + secrets.randbelow(CURVE_ORDER - 1)
    return G1.generator() * a - victim, bls.hash_message(scheme, message) * a


INSECURE_BUT_PLAUSIBLE = [
    # (checker, answer, words of the verdict that name the mechanism)
    (check_scheme_message, chains_the_randomness, "previous *randomness*"),
    (check_scheme_message, round_then_previous, "wrong order"),
    (check_scheme_message, rounds_as_uint32, "how many bytes"),
    (check_rogue_key, rogue_hashes_first, "hashes the message to the curve itself"),
    (check_rogue_key, rogue_on_g1_only, "cannot add a G1 point to a G2 point"),
    (check_not_in_subgroup, (G1.generator() * 7).to_bytes(), "is in G1"),  # a valid point passes "the check"
    (check_bdn_coefficients, ("sha256", 64), "not the hash hashPointToR creates"),  # the prompt's example
    (check_bdn_coefficients, ("blake2s", 64), "not the size of one coefficient"),
]


def test_insecure_but_plausible_answers_are_refused_naming_the_mechanism(capsys) -> None:
    for checker, answer, words in INSECURE_BUT_PLAUSIBLE:
        out = verdict(capsys, checker, answer)
        assert CORRECT not in out and words in out, (getattr(answer, "__name__", answer), out)


def test_insecure_batch_verifiers_are_refused_naming_the_mechanism(capsys) -> None:
    """Exercise 2's insecure answers live in test_batch_verify_refuses_weights_an_attacker_can_beat; one
    more a hurried engineer writes: weights drawn once for the whole process (known after one call)."""
    drawn_once = [1 + secrets.randbelow(2**64) for _ in range(64)]

    def reused_weights(scheme, messages, signatures, i):
        return drawn_once[i]

    out = verdict(capsys, check_batch_verify, _weighted(reused_weights))
    assert CORRECT not in out and "same on two calls" in out, out


def test_more_right_variants_are_accepted(capsys) -> None:
    """Right answers written differently: struct instead of to_bytes, a fixed known secret for the rogue."""
    import struct

    def struct_packed(scheme, r, prev):
        data = (prev or b"") if scheme.chained else b""
        return _sha_or_keccak(scheme, data + struct.pack(">Q", r))

    def fixed_secret_two(scheme, victim, message):  # any secret the attacker knows will do, even 2
        return scheme.key_group.generator() * 2 - victim, bls.sign(scheme, 2, message)

    assert CORRECT in verdict(capsys, check_scheme_message, struct_packed)
    assert CORRECT in verdict(capsys, check_rogue_key, fixed_secret_two)
