"""The notebook-08 checkers: a stub or a wrong answer gets "not yet" with a hint, a right one "correct"."""

from __future__ import annotations

from drand_edu.exercises import CORRECT, NOT_YET, check_ibe_decrypt, check_randbelow, check_round_at
from drand_edu.tlock import ibe

from .conftest import verdict


def right_round_at(info, unix_time):
    return 1 if unix_time < info.genesis_time else int((unix_time - info.genesis_time) // info.period) + 1


def test_round_at(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_round_at, None)
    assert NOT_YET in verdict(capsys, check_round_at, lambda info, t: None)
    off_by_one = lambda info, t: int((t - info.genesis_time) // info.period)  # noqa: E731
    assert "Round 1 starts at genesis" in verdict(capsys, check_round_at, off_by_one)
    assert CORRECT in verdict(capsys, check_round_at, right_round_at)


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

    assert NOT_YET in verdict(capsys, check_randbelow, None)
    assert "modulo bias" in verdict(capsys, check_randbelow, folded)
    assert "modulo bias" in verdict(capsys, check_randbelow, folded_64_bits)
    assert "modulo bias" in verdict(capsys, check_randbelow, scaled_float)
    assert NOT_YET in verdict(capsys, check_randbelow, off_by_one)
    assert NOT_YET in verdict(capsys, check_randbelow, lambda stream, n: 0)
    assert CORRECT in verdict(capsys, check_randbelow, fair)
    assert CORRECT in verdict(capsys, check_randbelow, fair_64_bits)
    assert CORRECT in verdict(capsys, check_randbelow, lemire)


def test_ibe_decrypt(capsys) -> None:
    def right(scheme, signature, ciphertext):
        return ibe.decrypt(scheme, signature, ciphertext)

    def forgets_sigma(scheme, signature, ciphertext):
        return bytes(a ^ b for a, b in zip(ciphertext.W, ciphertext.V, strict=True))

    assert NOT_YET in verdict(capsys, check_ibe_decrypt, None)
    assert NOT_YET in verdict(capsys, check_ibe_decrypt, forgets_sigma)
    assert NOT_YET in verdict(capsys, check_ibe_decrypt, lambda *args: 1 / 0)  # raising code: hint, no crash
    assert CORRECT in verdict(capsys, check_ibe_decrypt, right)
