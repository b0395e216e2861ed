"""Exercise checkers for notebook 08 (client libraries and timelock encryption).

Each checker calls the learner's function on fresh random inputs (random chains, rounds, times and
messages) and compares it with the library, so a passing answer is one that behaves right, not one that
matches a value printed in the notebook.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from ..chain.info import ChainInfo
from ..crypto import bls
from ..crypto.groups import Point, pairing
from ..crypto.schemes import scheme_by_id
from ..errors import InvalidCiphertext
from ..rng import seeded_rng
from ..tlock import ibe
from .common import Verdict, nudge_if_stub, register_hints, report, safely

__all__ = [
    "check_ibe_decrypt",
    "check_lock_round",
    "check_randbelow",
    "check_refused_key",
    "check_rewrite_sealed",
]

# The unchained BLS12-381 schemes tlock encrypts to: keys on G2 (quicknet) and keys on G1.
TLOCK_SCHEMES = ("bls-unchained-g1-rfc9380", "pedersen-bls-unchained")


def _random_chain(scheme_id: str = TLOCK_SCHEMES[0]) -> tuple[ChainInfo, int]:
    scheme = scheme_by_id(scheme_id)
    keys = bls.keygen(scheme)
    info = ChainInfo(
        public_key=keys.public.to_bytes(),
        period=1 + secrets.randbelow(30),
        genesis_time=1_600_000_000 + secrets.randbelow(10**8),
        genesis_seed=b"exercise",
        scheme=scheme,
        beacon_id="exercise",
    )
    return info, keys.secret


def _round_signature(info: ChainInfo, secret: int, round_number: int) -> Point:
    """The beacon signature of ``round_number`` as a point: the IBE private key of that round."""
    signature = bls.sign(info.scheme, secret, info.scheme.digest(round_number))
    return info.scheme.sig_group.from_bytes(signature)


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _open_without_fo(scheme: Any, signature: Point, ciphertext: Any) -> bytes:
    """σ = V ⊕ H2(e(signature, U)), M = W ⊕ H4(σ) — decryption *without* the Fujisaki–Okamoto check."""
    sigma = _xor(ciphertext.V, ibe.h2(pairing(signature, ciphertext.U).to_bytes(), len(ciphertext.V)))
    return _xor(ciphertext.W, ibe.h4(sigma, len(ciphertext.W)))


# -- Exercise 1 (Explore): which round keeps a message sealed until t? ----------------------------

register_hints(
    "lock_round",
    "Look at the two lines the exploring cell printed: at genesis + 12.5 s the current round's beacon was "
    "due at genesis + 12 s, before t. Would a message locked to that round still be sealed at t?",
    "The round current at t came out at or before t: a message locked to it could open early. You want the "
    "first round whose time, genesis_time + (r − 1)·period, is not before t — and before genesis that is 1.",
    "r = ceil((t − genesis_time) / period) + 1, and 1 when t ≤ genesis_time; compute the ceiling with "
    "integers or math.ceil, not by adding 1 to a floor (that is wrong exactly at a round's time).",
)


def _lock_round(info: ChainInfo, unix_time: float) -> int:
    """The smallest round r ≥ 1 with ``info.time_of_round(r) >= unix_time``."""
    r = max(1, info.round_at(unix_time))
    return r if info.time_of_round(r) >= unix_time else r + 1


def check_lock_round(my_lock_round: Callable[[ChainInfo, float], Any] | None) -> Verdict:
    """``my_lock_round(info, unix_time)``: the first round whose beacon is not due before ``unix_time``.

    A message locked to that round stays sealed until at least ``unix_time``, and not one period longer
    than it needs to.
    """
    if nudge_if_stub(my_lock_round, "lock_round"):
        return Verdict(False)

    def check() -> bool:
        for _ in range(3):
            info, _ = _random_chain()
            g, p = info.genesis_time, info.period
            later = secrets.randbelow(10**7)
            # (description, time): descriptions only, so the hint never depends on the random chain
            cases = [
                ("a day before genesis", g - 86_400),
                ("exactly at genesis", g),
                ("half a second after genesis", g + 0.5),
                ("exactly at the second round's time", g + p),
                ("a millisecond after the second round's time", g + p + 0.001),
                ("one second before the eighth round's time", g + 7 * p - 1),
                ("exactly at a round's time, months later", g + later * p),
                ("between two rounds, months later", g + later * p + p / 2),
            ]
            for where, moment in cases:
                got, want = my_lock_round(info, moment), _lock_round(info, moment)
                if isinstance(got, bool) or not hasattr(got, "__index__"):  # int, numpy ints, …
                    return report(False, f"{where} you returned {got!r}: return a round number (an int)")
                got = int(got)
                if got == want:
                    continue
                if got < want:
                    why = "its beacon is published before that time, so the message would open early"
                else:
                    why = (
                        "an earlier round is not published before that time either: it keeps the "
                        "secret long enough"
                    )
                return report(False, f"{where} you picked round {got}: {why}")
        return report(
            True,
            praise="the first round not published before t, before genesis, at a round's time and between "
            "two: a ciphertext locked to it stays shut until t and not a period longer",
        )

    return safely(check, "my_lock_round failed")


# -- Exercise 2 (Implement): a fair number below n ----------------------------------------------------

register_hints(
    "randbelow",
    "Draw k = (n − 1).bit_length() bits with stream.getrandbits(k): that covers 0 … 2^k − 1, at least n "
    "values. What do you do with a draw that is n or more?",
    "Folding it back (draw % n) gives some results two draws and others one: that is the modulo bias. A "
    "draw that is too big must be thrown away.",
    "Loop: x = stream.getrandbits(k); return x if x < n; otherwise draw again (for n = 1, k is 0: use at "
    "least 1 bit, or return 0).",
)


class _ScriptedBits:
    """A stand-in for BeaconRandom: ``getrandbits(k)`` returns the scripted values first, then fair ones.

    A scripted ``-1`` means "all k bits set", whatever k the sampler asks for. ``calls`` counts draws.
    """

    def __init__(self, script: Sequence[int], seed: int | None = None) -> None:
        self._script = list(script)
        self._rng = seeded_rng(secrets.randbits(64) if seed is None else seed)
        self.calls = 0

    def getrandbits(self, k: int) -> int:
        self.calls += 1
        if self._script:
            return self._script.pop(0) & ((1 << k) - 1)
        return self._rng.getrandbits(k)


class _Branch(BaseException):
    """Raised by :class:`_PathStream` when the sampler asks for a draw beyond the path: the enumeration
    branches there. A BaseException, so that a learner's ``except Exception`` does not swallow it."""

    def __init__(self, bits: int) -> None:
        super().__init__(bits)
        self.bits = bits


class _PathStream:
    """A stream that answers the draws of one path of the enumeration tree, then asks to branch."""

    def __init__(self, path: Sequence[int]) -> None:
        self._path = list(path)
        self.calls = 0

    def getrandbits(self, k: int) -> int:
        if self.calls < len(self._path):
            self.calls += 1
            return self._path[self.calls - 1] & ((1 << k) - 1)
        raise _Branch(k)


#: The exact enumeration follows at most this many draws, of at most this many bits each, and no path less
#: likely than this (a bound on the work: at most _ENUM_DEPTH / _ENUM_SMALLEST calls).
_ENUM_DEPTH, _ENUM_BITS, _ENUM_SMALLEST = 6, 12, Fraction(1, 2**12)


def _exact_distribution(
    my_randbelow: Callable[[object, int], int], n: int
) -> tuple[dict[int, Fraction], Fraction] | None:
    """Every way the sampler can use up to ``_ENUM_DEPTH`` fair draws, each with its exact probability:
    (probability of each result, probability of not finishing). None when a draw is too wide to enumerate."""
    results: dict[int, Fraction] = {}
    unfinished = Fraction(0)
    todo: list[tuple[list[int], Fraction]] = [([], Fraction(1))]
    while todo:
        path, chance = todo.pop()
        try:
            value = my_randbelow(_PathStream(path), n)
        except _Branch as branch:
            if branch.bits > _ENUM_BITS:
                return None
            if len(path) >= _ENUM_DEPTH or chance / 2**branch.bits < _ENUM_SMALLEST:
                unfinished += chance  # cut at a node: all its children alike, so what is kept stays exact
                continue
            todo += [([*path, v], chance / 2**branch.bits) for v in range(2**branch.bits)]
            continue
        results[value] = results.get(value, Fraction(0)) + chance
    return results, unfinished


def _gives_up(my_randbelow: Callable[[object, int], int], n: int) -> bool:
    """True when a sampler that threw a draw away once stops throwing the same draw away after a few tries
    (and then uses it anyway): fed that draw 12 times, a rejection sampler asks 13 times. For samplers of
    one wide draw per try (those the exact enumeration cannot follow)."""
    for extreme in (-1, 0):
        first = _ScriptedBits([extreme, 1])
        my_randbelow(first, n)
        if first.calls < 2:
            continue  # that draw is kept: not the one this sampler rejects
        stream = _ScriptedBits([extreme] * 12)
        my_randbelow(stream, n)
        if stream.calls <= 12:
            return True
    return False


def _reads_its_stream(my_randbelow: Callable[[object, int], int]) -> str | None:
    """Why the draw is not a function of the stream, or None: it must read it, and the same bits must
    give the same numbers."""
    seed = secrets.randbits(64)
    runs = []
    for _ in range(2):
        stream = _ScriptedBits([], seed=seed)
        runs.append([my_randbelow(stream, n) for n in (7, 1000, 10**6 + 3, 2**40 + 15) for _ in range(5)])
        if stream.calls == 0:
            return (
                "your draw never read the stream: the number must come from the beacon's randomness, so that "
                "everyone who holds the beacon draws the same one"
            )
    if runs[0] != runs[1]:
        return (
            "the same stream gave different numbers on two runs: your draw uses other randomness too, so "
            "nobody can recompute it from the beacon"
        )
    return None


def _takes_first_draw_as_it_comes(my_randbelow: Callable[[object, int], int], n: int) -> bool:
    """True when both the smallest (0) and the largest (all ones) first draw are used without drawing again.

    With k bits and n not a power of two, 2^k is not a multiple of n, so a fair sampler must reject some
    k-bit values: the top ones (``x >= 2^k - 2^k mod n``), or the bottom ones (Lemire's method). A sampler
    that keeps both extremes, in practice, keeps every draw — and a sampler that maps all 2^k draws onto
    n results cannot give each the same number of draws (pigeonhole): it is biased.
    """
    kept = 0
    for first in (0, -1):
        stream = _ScriptedBits([first])
        my_randbelow(stream, n)
        kept += stream.calls == 1
    return kept == 2


def check_randbelow(my_randbelow: Callable[[object, int], int] | None) -> Verdict:
    """``my_randbelow(stream, n)``: uniform in [0, n) using only ``stream.getrandbits(k)``, no modulo bias.

    Any exactly uniform method passes: rejecting draws ≥ n with k = bit_length bits, rejecting the top
    ``2^64 mod n`` of 64-bit draws (``limit = 2^64 − 2^64 mod n``), Lemire's multiply-and-reject, …
    """
    if nudge_if_stub(my_randbelow, "randbelow"):
        return Verdict(False)

    def check() -> bool:
        small = [n for n in (1, 2, 3, 4, 5) for _ in range(60)]  # many draws: an edge value shows up
        for n in [*small, 2**20, 2**40 + 15, *(2 + secrets.randbelow(1000) for _ in range(40))]:
            value = my_randbelow(_ScriptedBits([]), n)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < n:
                return report(False, f"my_randbelow(stream, {n}) returned {value!r}, not an int in [0, {n})")
        for n in (3, 5, 6, 7, 10, 1000, 10**6 + 3):
            if _takes_first_draw_as_it_comes(my_randbelow, n):
                return report(
                    False,
                    f"for n = {n} your sampler kept its first draw both when it was 0 and when it had every "
                    "bit set, so it keeps every draw. But 2^k possible draws do not split evenly into "
                    f"{n} results: some results get one draw more than others (with % n, the small ones: "
                    "modulo bias). A fair sampler throws some draws away and draws again",
                )
        why = _reads_its_stream(my_randbelow)
        if why:
            return report(False, why)
        for n in (3, 5, 6, 7):
            exact = _exact_distribution(my_randbelow, n)
            if exact is None:  # draws too wide to enumerate (64-bit methods): probe the retries instead
                if _gives_up(my_randbelow, n):
                    return report(
                        False,
                        f"for n = {n} your sampler threw a draw away, but fed the same draw again and again "
                        "it stopped after a few tries and used it anyway: those last draws fold back (% n) "
                        "and bring the modulo bias back. Keep drawing until a draw is kept",
                    )
                continue
            results, _unfinished = exact
            values = sorted(results)
            if values != list(range(n)) or len(set(results.values())) != 1:
                shown = ", ".join(f"P({v}) = {results.get(v, 0)}" for v in range(n))
                return report(
                    False,
                    f"for n = {n}, every way of using up to {_ENUM_DEPTH} fair draws, with its exact "
                    f"probability, gives {shown}: not all equal, so some numbers come out more often",
                )
        return report(
            True,
            praise="a function of the stream alone, in range for every n tried, exactly uniform when every "
            "possible draw is enumerated, and it keeps drawing rather than fold a draw: no modulo bias",
        )

    return safely(check, "my_randbelow failed")


# -- Exercise 3 (Implement): open U, V, W yourself, and refuse what was tampered ----------------------

register_hints(
    "ibe_decrypt",
    "Three steps, as in section 3: recover σ from V, recover M from W, then check U. Your masks must be as "
    "long as the ciphertext's W (the checker uses messages of several lengths, not only 16 bytes).",
    "σ = V ⊕ ibe.h2(pairing(signature, ciphertext.U).to_bytes(), len(W)); M = W ⊕ ibe.h4(σ, len(W)). "
    "Then the Fujisaki–Okamoto check: scheme.key_group.generator() * ibe.h3(σ, M) must equal U.",
    "If the check fails, raise an exception (e.g. InvalidCiphertext) instead of returning M; otherwise "
    "return M.",
)


def _flip_one_bit(data: bytes) -> bytes:
    position = secrets.randbelow(len(data))
    return data[:position] + bytes([data[position] ^ (1 << secrets.randbelow(8))]) + data[position + 1 :]


def check_ibe_decrypt(my_ibe_decrypt: Callable[..., bytes] | None) -> Verdict:
    """``my_ibe_decrypt(scheme, signature, ciphertext)``: the message of (U, V, W), or raise if tampered.

    Tried on both key groups and on messages of several lengths; ``ibe.decrypt`` itself is unavailable
    while the check runs (the exercise is to write it).
    """
    if nudge_if_stub(my_ibe_decrypt, "ibe_decrypt"):
        return Verdict(False)

    def refuse_library(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("ibe.decrypt is what you are writing: use pairing, ibe.h2, ibe.h3 and ibe.h4")

    def check() -> bool:
        for scheme_id in TLOCK_SCHEMES:
            info, secret = _random_chain(scheme_id)
            for length in (16, 1 + secrets.randbelow(15), 17 + secrets.randbelow(16)):
                round_number = 1 + secrets.randbelow(10**6)
                message = secrets.token_bytes(length)
                ciphertext = ibe.encrypt(info.scheme, info.public_key_point(), round_number, message)
                signature = _round_signature(info, secret, round_number)
                got = my_ibe_decrypt(info.scheme, signature, ciphertext)
                if got != message:
                    shown = f"{len(got)} bytes" if isinstance(got, bytes) else type(got).__name__
                    return report(
                        False,
                        f"on {scheme_id} with a {length}-byte message you did not return the message (got "
                        f"{shown}): are your masks as long as W?",
                    )
            tampered = ibe.Ciphertext(ciphertext.U, ciphertext.V, _flip_one_bit(ciphertext.W))
            try:
                opened = my_ibe_decrypt(info.scheme, signature, tampered)
            except RuntimeError as exc:
                if "what you are writing" in str(exc):
                    raise
                opened = None
            except Exception:
                opened = None
            if opened is not None:
                return report(
                    False,
                    "you opened a ciphertext whose W had one bit flipped (and returned what came out): "
                    "check U before you trust M, and raise if the check fails",
                )
        return report(
            True,
            praise="σ from V, M from W, on keys in G1 and in G2 and messages of any length, and a ciphertext "
            "with one flipped bit refused: the round's signature is the IBE private key",
        )

    original = ibe.decrypt
    ibe.decrypt = refuse_library
    try:
        return safely(check, "my_ibe_decrypt failed")
    finally:
        ibe.decrypt = original


# -- Exercise 4 (Break): rewrite a sealed message -----------------------------------------------------

register_hints(
    "rewrite_sealed",
    "Leave U and V alone: they carry σ, and you cannot recompute them without the round's key. What does "
    "W hide, and with what?",
    "W = M ⊕ H4(σ). Whatever σ is, XOR-ing a difference into W XORs the same difference into the M that "
    "comes out.",
    "Return ibe.Ciphertext(ciphertext.U, ciphertext.V, W ⊕ known ⊕ wanted), byte by byte.",
)


def _as_ciphertext(answer: Any) -> ibe.Ciphertext | None:
    if isinstance(answer, tuple | list) and len(answer) == 3:
        return ibe.Ciphertext(*answer)
    if all(hasattr(answer, field) for field in ("U", "V", "W")):
        return ibe.Ciphertext(answer.U, bytes(answer.V), bytes(answer.W))
    return None


def check_rewrite_sealed(my_tamper: Callable[[ibe.Ciphertext, bytes, bytes], Any] | None) -> Verdict:
    """``my_tamper(ciphertext, known, wanted)``: a ciphertext that, opened *without* the FO check, gives
    ``wanted`` — made with no key, knowing only the message ``known`` inside ``ciphertext``.

    What counts as a break: for fresh ciphertexts of random chains (both key groups), the answer opens to
    ``wanted`` with the round's signature when the Fujisaki–Okamoto check is skipped. The real
    ``ibe.decrypt`` must still refuse it (it always does unless the answer is an honest encryption of
    ``wanted``, which needs the chain's key and the round, which ``my_tamper`` is not given).
    """
    if nudge_if_stub(my_tamper, "rewrite_sealed"):
        return Verdict(False)

    def check() -> bool:
        for scheme_id in TLOCK_SCHEMES:
            info, secret = _random_chain(scheme_id)
            for _ in range(2):
                round_number = 1 + secrets.randbelow(10**6)
                known, wanted = secrets.token_bytes(16), secrets.token_bytes(16)
                ciphertext = ibe.encrypt(info.scheme, info.public_key_point(), round_number, known)
                forged = _as_ciphertext(my_tamper(ciphertext, known, wanted))
                if forged is None:
                    return report(False, "return an ibe.Ciphertext(U, V, W) (or a tuple U, V, W)")
                if len(forged.V) != 16 or len(forged.W) != 16:
                    return report(False, "V and W of your ciphertext must keep their 16 bytes")
                signature = _round_signature(info, secret, round_number)
                opened = _open_without_fo(info.scheme, signature, forged)
                if opened != wanted:
                    if opened == known:
                        why = "it still opens to the original message"
                    elif forged.U != ciphertext.U or forged.V != ciphertext.V:
                        why = (
                            "you changed U or V: that changes σ, and then the whole message comes out "
                            "scrambled"
                        )
                    else:
                        why = "W is not the message itself: it is M ⊕ H4(σ), so the message comes out wrong"
                    return report(False, f"on {scheme_id}: {why}")
                try:
                    ibe.decrypt(info.scheme, signature, forged)
                except InvalidCiphertext:
                    continue
                return report(False, "the real decryption accepted your ciphertext: that is not a forgery")
        return report(
            True,
            praise="knowing M and no key, you turned it into a message of your choice: IBE without the "
            "FO check is malleable, and the check U = H3(σ, M)·G is what refuses your ciphertext",
        )

    return safely(check, "my_tamper failed")


# -- Exercise 5 (Connect): the public key tlock's TimeLock refuses ------------------------------------
# tlock's TimeLock at the pinned commit refuses the point at infinity before encrypting:
# https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L137-L146
# `if publicKey.Equal(publicKey.Clone().Null()) { return nil, ErrInvalidPublicKey }` — kyber's Null() is
# the group's neutral element; ErrInvalidPublicKey (tlock.go#L26) says "...was infinity and thus insecure".

register_hints(
    "refused_key",
    "Open TimeLock in tlock.go at the linked lines: the first thing it does is compare the public key "
    "with one particular point.",
    "That point is publicKey.Clone().Null(). In kyber, Null() sets a point to the group's neutral element; "
    "the error it returns, ErrInvalidPublicKey, is defined near the top of tlock.go: read its message.",
    "It is the point at infinity (the identity element). Answer 'the point at infinity', or give the point "
    "itself: scheme.key_group.identity().",
)

_INFINITY_WORDS = ("infinity", "identity", "neutral", "null", "zero point", "point at zero", "∞")
_NEGATIONS = ("not ", "non-", "non ", "isn't", "except", "other than", "besides")


def _names_infinity(answer: Any) -> bool:
    if isinstance(answer, Point):
        return answer.is_identity()
    if isinstance(answer, bytes | bytearray):
        data = bytes(answer)
        return len(data) in (48, 96) and data[0] == 0xC0 and not any(data[1:])
    if not isinstance(answer, str):
        return False
    text = " ".join(answer.lower().replace("_", " ").replace("-", " - ").split())
    if text.startswith("0x"):
        text = text[2:]
    if len(text) in (96, 192) and all(c in "0123456789abcdef" for c in text):
        return _names_infinity(bytes.fromhex(text))
    if any(word in f"{text} " for word in _NEGATIONS):
        return False
    return text.strip(" .'\"`()") in ("0", "o", "zero", "null", "inf") or any(
        w in text for w in _INFINITY_WORDS
    )


def check_refused_key(answer: Any) -> Verdict:
    """``answer``: the public key that tlock's ``TimeLock`` refuses to encrypt to (a word or the point)."""
    if nudge_if_stub(answer, "refused_key"):
        return Verdict(False)

    def check() -> bool:
        if _names_infinity(answer):
            return report(
                True,
                praise="TimeLock refuses the point at infinity: with that key e(H1(round), pk) = 1 for every "
                "round, so V's mask is the same public value for everybody and anyone could open the file",
            )
        return report(
            False,
            "that is not the key TimeLock compares with: read the first if of TimeLock, and what the kyber "
            "method on the right of that comparison sets a point to",
        )

    return safely(check, "checking your answer failed")
