"""The notebook-08 checkers: a stub gets the first hint only, a wrong answer "not yet" with a hint about
what is wrong, a right one (in each of its usual forms) "correct"."""

from __future__ import annotations

import math

from drand_edu.crypto import pairing, scheme_by_id
from drand_edu.errors import InvalidCiphertext
from drand_edu.exercises import (
    CORRECT,
    NOT_YET,
    check_ibe_decrypt,
    check_lock_round,
    check_randbelow,
    check_refused_key,
    check_rewrite_sealed,
)
from drand_edu.exercises.common import first_hint
from drand_edu.tlock import ibe

from .conftest import verdict


def test_stubs_get_the_first_hint_only(capsys) -> None:
    def stub(*args): ...

    for name, check in (
        ("lock_round", check_lock_round),
        ("randbelow", check_randbelow),
        ("ibe_decrypt", check_ibe_decrypt),
        ("rewrite_sealed", check_rewrite_sealed),
    ):
        out = verdict(capsys, check, stub)
        assert NOT_YET in out and first_hint(name) in out
    assert first_hint("refused_key") in verdict(capsys, check_refused_key, None)


def test_lock_round(capsys) -> None:
    def with_ceil(info, t):
        return 1 if t <= info.genesis_time else math.ceil((t - info.genesis_time) / info.period) + 1

    def with_library(info, t):  # the round current at t, one more if it came out before t
        r = info.round_at(t)
        return r if info.time_of_round(r) >= t else r + 1

    def current_round(info, t):  # the classic mistake: the round current at t opens early
        return info.round_at(t)

    def floor_plus_one(info, t):  # one round late exactly at a round's time
        return info.round_at(t) + 1

    def no_genesis_clamp(info, t):
        return math.ceil((t - info.genesis_time) / info.period) + 1

    assert CORRECT in verdict(capsys, check_lock_round, with_ceil)
    assert CORRECT in verdict(capsys, check_lock_round, with_library)
    assert "open early" in verdict(capsys, check_lock_round, current_round)
    assert "keeps the secret long enough" in verdict(capsys, check_lock_round, floor_plus_one)
    assert "a day before genesis" in verdict(capsys, check_lock_round, no_genesis_clamp)
    assert "an int" in verdict(capsys, check_lock_round, lambda info, t: float(with_ceil(info, t)))


def test_randbelow(capsys) -> None:
    def fair(stream, n):
        bits = max(1, (n - 1).bit_length())
        while (value := stream.getrandbits(bits)) >= n:
            pass
        return value

    def folded(stream, n):
        return stream.getrandbits(max(1, (n - 1).bit_length())) % n

    def fair_64_bits(stream, n):  # the example: reject the top 2^64 mod n values
        limit = 2**64 - 2**64 % n
        while (value := stream.getrandbits(64)) >= limit:
            pass
        return value % n

    def lemire(stream, n):  # rejects the bottom values instead; also exactly uniform
        k = max(64, n.bit_length() + 1)
        threshold = (2**k - n) % n
        while True:
            product = stream.getrandbits(k) * n
            if product % 2**k >= threshold:
                return product >> k

    def folded_64_bits(stream, n):
        return stream.getrandbits(64) % n

    def scaled_float(stream, n):
        return int(stream.getrandbits(53) / 2**53 * n)

    def off_by_one(stream, n):
        return fair(stream, n + 1)

    assert CORRECT in verdict(capsys, check_randbelow, fair)
    assert CORRECT in verdict(capsys, check_randbelow, fair_64_bits)
    assert CORRECT in verdict(capsys, check_randbelow, lemire)
    for biased in (folded, folded_64_bits, scaled_float):
        out = verdict(capsys, check_randbelow, biased)
        assert "modulo bias" in out and "do not split evenly" in out
    assert "not an int in [0, " in verdict(capsys, check_randbelow, off_by_one)
    assert NOT_YET in verdict(capsys, check_randbelow, lambda stream, n: 0)


def test_randbelow_is_a_function_of_the_stream_and_exactly_uniform(capsys) -> None:
    import secrets

    def fair(stream, n):
        bits = max(1, (n - 1).bit_length())
        while (value := stream.getrandbits(bits)) >= n:
            pass
        return value

    def never_reads_the_stream(stream, n):  # insecure-but-plausible: uniform, and nobody can recompute it
        return secrets.randbelow(n)

    def salted(stream, n):  # reads the stream, but mixes in randomness of its own
        return (fair(stream, n) + secrets.randbelow(2)) % n

    def gives_up_after_three(stream, n):  # bounded retries, then the fold it was meant to avoid
        bits = max(1, (n - 1).bit_length())
        for _ in range(3):
            if (value := stream.getrandbits(bits)) < n:
                return value
        return stream.getrandbits(bits) % n

    def averaged(stream, n):  # rejection on the mean of two draws: in range, but not uniform
        bits = max(1, (n - 1).bit_length())
        while (value := (stream.getrandbits(bits) + stream.getrandbits(bits)) // 2) >= n:
            pass
        return value

    def one_bit_more(stream, n):  # more rejections, still exact
        bits = n.bit_length() + 1
        while (value := stream.getrandbits(bits)) >= n:
            pass
        return value

    assert "never read the stream" in verdict(capsys, check_randbelow, never_reads_the_stream)
    assert "other randomness" in verdict(capsys, check_randbelow, salted)
    out = verdict(capsys, check_randbelow, gives_up_after_three)  # enumerated: the fold shows at draw 4
    assert "not all equal" in out and "P(0) = " in out

    def gives_up_64_bits(stream, n):  # the same mistake with wide draws, which cannot be enumerated
        limit = 2**64 - 2**64 % n
        for _ in range(3):
            if (value := stream.getrandbits(64)) < limit:
                return value % n
        return stream.getrandbits(64) % n

    assert "stopped after a few tries" in verdict(capsys, check_randbelow, gives_up_64_bits)
    out = verdict(capsys, check_randbelow, averaged)
    assert "exact probability" in out and "P(0) = " in out
    assert CORRECT in verdict(capsys, check_randbelow, one_bit_more)
    assert CORRECT in verdict(capsys, check_randbelow, fair)


def _open(scheme, signature, ciphertext):
    n = len(ciphertext.W)
    sigma = bytes(
        a ^ b
        for a, b in zip(ciphertext.V, ibe.h2(pairing(signature, ciphertext.U).to_bytes(), n), strict=True)
    )
    return sigma, bytes(a ^ b for a, b in zip(ciphertext.W, ibe.h4(sigma, n), strict=True))


def test_ibe_decrypt(capsys) -> None:
    def right(scheme, signature, ciphertext):
        sigma, message = _open(scheme, signature, ciphertext)
        if scheme.key_group.generator() * ibe.h3(sigma, message) != ciphertext.U:
            raise InvalidCiphertext("FO check failed")
        return message

    def right_returns_none(scheme, signature, ciphertext):  # refuses by returning None: also accepted
        sigma, message = _open(scheme, signature, ciphertext)
        return message if scheme.key_group.generator() * ibe.h3(sigma, message) == ciphertext.U else None

    def no_fo_check(scheme, signature, ciphertext):
        return _open(scheme, signature, ciphertext)[1]

    def copied_16_bytes(scheme, signature, ciphertext):  # section 3's cell, with its fixed 16
        mask = ibe.h2(pairing(signature, ciphertext.U).to_bytes(), 16)
        sigma = bytes(v ^ m for v, m in zip(ciphertext.V, mask, strict=False))
        return bytes(w ^ m for w, m in zip(ciphertext.W, ibe.h4(sigma, 16), strict=False))

    def library(scheme, signature, ciphertext):
        return ibe.decrypt(scheme, signature, ciphertext)

    def forgets_sigma(scheme, signature, ciphertext):
        return bytes(a ^ b for a, b in zip(ciphertext.W, ciphertext.V, strict=True))

    assert CORRECT in verdict(capsys, check_ibe_decrypt, right)
    assert CORRECT in verdict(capsys, check_ibe_decrypt, right_returns_none)
    assert "one bit flipped" in verdict(capsys, check_ibe_decrypt, no_fo_check)
    assert "as long as W" in verdict(capsys, check_ibe_decrypt, copied_16_bytes)
    assert "ibe.decrypt is what you are writing" in verdict(capsys, check_ibe_decrypt, library)
    assert ibe.decrypt.__name__ == "decrypt"  # the checker put the library's function back
    assert NOT_YET in verdict(capsys, check_ibe_decrypt, forgets_sigma)
    assert "raised ZeroDivisionError" in verdict(capsys, check_ibe_decrypt, lambda *args: 1 / 0)


def test_rewrite_sealed(capsys) -> None:
    def xor(*parts):
        return bytes(a ^ b ^ c for a, b, c in zip(*parts, strict=True))

    def right(ciphertext, known, wanted):
        return ibe.Ciphertext(ciphertext.U, ciphertext.V, xor(ciphertext.W, known, wanted))

    def right_as_tuple(ciphertext, known, wanted):
        return ciphertext.U, ciphertext.V, xor(ciphertext.W, known, wanted)

    def w_is_the_message(ciphertext, known, wanted):
        return ibe.Ciphertext(ciphertext.U, ciphertext.V, wanted)

    def xor_into_v(ciphertext, known, wanted):
        return ibe.Ciphertext(ciphertext.U, xor(ciphertext.V, known, wanted), ciphertext.W)

    def unchanged(ciphertext, known, wanted):
        return ciphertext

    assert CORRECT in verdict(capsys, check_rewrite_sealed, right)
    assert CORRECT in verdict(capsys, check_rewrite_sealed, right_as_tuple)
    assert "W is not the message itself" in verdict(capsys, check_rewrite_sealed, w_is_the_message)
    assert "you changed U or V" in verdict(capsys, check_rewrite_sealed, xor_into_v)
    assert "still opens to the original" in verdict(capsys, check_rewrite_sealed, unchanged)
    assert "ibe.Ciphertext(U, V, W)" in verdict(capsys, check_rewrite_sealed, lambda c, k, w: w)


def test_refused_key(capsys) -> None:
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    for right in (
        "the point at infinity",
        "Infinity",
        "identity element",
        "publicKey.Clone().Null()",
        "the neutral element",
        scheme.key_group.identity(),
        scheme.key_group.identity().to_bytes(),
        "0x" + scheme.key_group.identity().to_bytes().hex(),
    ):
        assert CORRECT in verdict(capsys, check_refused_key, right), right
    for wrong in (
        "the generator",
        "a point not in the subgroup",
        "not the point at infinity",
        "the chain's public key",
        scheme.key_group.generator(),
        42,
    ):
        out = verdict(capsys, check_refused_key, wrong)
        assert "read the first if of TimeLock" in out, wrong
        assert not any(word in out.lower() for word in ("null", "infinity", "identity", "neutral")), out


def test_insecure_but_plausible_answers_refused(capsys) -> None:
    """Issue 22: per exercise, the wrong answer a hurried engineer writes that would be insecure, refused with
    a verdict naming the real mechanism."""
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")

    # Ex1: ceil of the periods without the + 1 is the round *due before* t: the secret is out a period early
    def ceil_without_plus_one(info, t):
        return max(1, math.ceil((t - info.genesis_time) / info.period))

    assert "open early" in verdict(capsys, check_lock_round, ceil_without_plus_one)

    # Ex3: the Fujisaki–Okamoto check computed, and its answer ignored (a warning, then the tampered message)
    def check_ignored(scheme, signature, ciphertext):
        sigma, message = _open(scheme, signature, ciphertext)
        if scheme.key_group.generator() * ibe.h3(sigma, message) != ciphertext.U:
            pass  # "log it"
        return message

    def checks_u_is_not_infinity_only(scheme, signature, ciphertext):  # a point check is not the FO check
        if ciphertext.U == scheme.key_group.identity():
            raise InvalidCiphertext("U is the point at infinity")
        return _open(scheme, signature, ciphertext)[1]

    for unchecked in (check_ignored, checks_u_is_not_infinity_only):
        assert "one bit flipped" in verdict(capsys, check_ibe_decrypt, unchecked)

    # Ex4: XOR-ing only the wanted message into W (forgetting the known one), or sealing `wanted` honestly
    # under a key of one's own: neither opens to `wanted` with the real round's signature
    def xor_wanted_only(ciphertext, known, wanted):
        w = bytes(a ^ b for a, b in zip(ciphertext.W, wanted, strict=True))
        return ibe.Ciphertext(ciphertext.U, ciphertext.V, w)

    def sealed_under_own_key(ciphertext, known, wanted):
        return ibe.encrypt(scheme, scheme.key_group.generator(), 1, wanted)

    assert "W is not the message itself" in verdict(capsys, check_rewrite_sealed, xor_wanted_only)
    assert "you changed U or V" in verdict(capsys, check_rewrite_sealed, sealed_under_own_key)

    # Ex5: believing TimeLock checks more than it does (subgroup, length, nil): it compares with Null() only
    for believed in ("a key not in G2's subgroup", "a key of the wrong length", "a nil key"):
        out = verdict(capsys, check_refused_key, believed)
        assert "read the first if of TimeLock" in out, believed
