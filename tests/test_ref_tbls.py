"""kyber's threshold BLS ``Recover`` (``sign/tbls``, each drand scheme's ``ThresholdScheme``) beside ours.

A random polynomial of ours (its commitments are the public polynomial both sides get), partial
signatures of ours (index as 2 bytes big-endian, then the share's signature), then a list of partials —
valid ones in any order, duplicates, indices beyond ``n``, partials of another message or another
share, malformed ones, fewer than ``t``, more than ``t`` — through kyber's ``Recover`` (op
``tbls.recover``) and :func:`drand_edu.threshold.tbls.recover_signature`: the same signature bytes, or
both refuse, except the two listed differences (tests/data/differences.toml) for repeated indices and
indices beyond ``n``. ``VerifyPartial`` is compared on the same partials.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from drand_edu.crypto.schemes import SCHEMES, scheme_by_id
from drand_edu.errors import DrandEduError
from drand_edu.threshold.poly import PriPoly, PriShare, PubPoly
from drand_edu.threshold.tbls import is_valid_partial, recover_signature, sign_partial

BLS12 = sorted(s for s in SCHEMES if SCHEMES[s].curve == "bls12-381")
MESSAGE = b"drand-edu tbls"


def setup(scheme_id: str, t: int, seed: int) -> tuple[PriPoly, PubPoly]:
    group = scheme_by_id(scheme_id).key_group
    poly = PriPoly.random(t, rng=random.Random(seed), modulus=group.order)
    return poly, poly.commit(group)


def partial(scheme_id: str, poly: PriPoly, index: int, message: bytes = MESSAGE) -> bytes:
    return sign_partial(scheme_by_id(scheme_id), poly.eval(index), message)


def ours(scheme_id: str, public: PubPoly, partials: list[bytes], t: int, n: int) -> tuple[str, str]:
    try:
        return "ok", recover_signature(scheme_by_id(scheme_id), public, MESSAGE, partials, t, n).hex()
    except DrandEduError as refused:
        return "refused", str(refused)


def theirs(
    drandref, scheme_id: str, public: PubPoly, partials: list[bytes], t: int, n: int
) -> tuple[str, str]:
    kind, answer = drandref.outcome(
        "tbls.recover", scheme=scheme_id, commits=[c.hex() for c in public.to_bytes_list()],
        message=MESSAGE.hex(), partials=[p.hex() for p in partials], t=t, n=n,
    )  # fmt: skip
    assert kind != "panic", f"kyber panicked: {answer}"
    return ("ok", answer) if kind == "ok" else ("refused", answer)


def kyber_counted(scheme_id: str, public: PubPoly, partials: list[bytes], t: int) -> list[int]:
    """The indices kyber's Recover collects, in order: every partial that verifies, repeats included,
    until it has ``t`` of them (its loop; it checks neither repeats nor the range)."""
    scheme, counted = scheme_by_id(scheme_id), []
    for item in partials:
        if len(counted) >= t:
            break
        if is_valid_partial(scheme, public, MESSAGE, item):
            counted.append(int.from_bytes(item[:2], "big"))
    return counted


def listed_difference(scheme_id: str, public: PubPoly, partials: list[bytes], t: int, n: int) -> str | None:
    """Why kyber and ours may part, exactly: kyber counted a repeat, or used an index ours skips (>= n)."""
    counted = kyber_counted(scheme_id, public, partials, t)
    if any(count > 1 for count in Counter(counted).values()):
        return "tbls-repeated-index-skipped"
    if any(index >= n for index in counted):
        return "tbls-index-beyond-n-skipped"
    return None


def compare(drandref, scheme_id: str, public: PubPoly, partials: list[bytes], t: int, n: int) -> str:
    mine, kybers = (
        ours(scheme_id, public, partials, t, n),
        theirs(drandref, scheme_id, public, partials, t, n),
    )
    if mine[0] == kybers[0] == "refused":
        return "both refuse"
    if mine == kybers:
        return "same signature"
    reason = listed_difference(scheme_id, public, partials, t, n)
    assert reason, f"kyber {kybers}, ours {mine} ({scheme_id}, t={t}, n={n})"
    return reason


# -- named cases -----------------------------------------------------------------------------------------


def named_cases(scheme_id: str) -> dict[str, tuple[list[bytes], int, int]]:
    """name -> (partials, t, n) for a 3-of-5 polynomial."""
    poly, _ = setup(scheme_id, 3, seed=7)
    good = [partial(scheme_id, poly, i) for i in range(5)]
    size = scheme_by_id(scheme_id).signature_size
    other_message = partial(scheme_id, poly, 3, b"another message")
    wrong_share = sign_partial(scheme_by_id(scheme_id), PriShare(3, poly.eval(4).value), MESSAGE)
    infinity = b"\x00\x03" + (bytes(size) if scheme_id.startswith("bls-bn254") else b"\xc0" + bytes(size - 1))
    return {
        "exactly t": (good[:3], 3, 5),
        "t, out of order": ([good[4], good[0], good[2]], 3, 5),
        "more than t": (good, 3, 5),
        "fewer than t": (good[:2], 3, 5),
        "none": ([], 3, 5),
        "t = 1": (good[2:3], 1, 5),
        "t = n": (good, 5, 5),
        "t above the polynomial's": (good[:4], 4, 5),
        "a repeat, then enough others": ([good[0], good[0], good[1], good[2]], 3, 5),
        "a repeat at the end": ([good[0], good[1], good[2], good[2]], 3, 5),
        "an index beyond n first": ([partial(scheme_id, poly, 9), good[0], good[1], good[2]], 3, 5),
        "an index beyond n, too few others": ([partial(scheme_id, poly, 9), good[0], good[1]], 3, 5),
        "index 65535": ([partial(scheme_id, poly, 65535), good[0], good[1]], 3, 2**16),
        "another message's partial": ([other_message, good[0], good[1]], 3, 5),
        "another message's partial, then enough": ([other_message, good[0], good[1], good[2]], 3, 5),
        "a share under another index, too few others": ([wrong_share, good[0], good[1]], 3, 5),
        "a share under another index, then enough": ([wrong_share, good[0], good[1], good[2]], 3, 5),
        "a partial at infinity": ([infinity, good[0], good[1]], 3, 5),
        "a partial one byte short": ([good[3][:-1], good[0], good[1]], 3, 5),
        "a partial one byte long": ([good[3] + b"\x00", good[0], good[1]], 3, 5),
        "a 1-byte partial": ([b"\x00", good[0], good[1], good[2]], 3, 5),
        "a 2-byte partial": ([b"\x00\x03", good[0], good[1], good[2]], 3, 5),
        "an empty partial": ([b"", good[0], good[1]], 3, 5),
        "a bit flipped": ([good[3][:10] + bytes([good[3][10] ^ 4]) + good[3][11:], good[0], good[1]], 3, 5),
    }  # fmt: skip


EXPECTED = {
    "fewer than t": "both refuse",
    "none": "both refuse",
    "a repeat, then enough others": "tbls-repeated-index-skipped",
    "an index beyond n first": "same signature",  # kyber uses index 9 (on the polynomial); ours the next one
    "an index beyond n, too few others": "tbls-index-beyond-n-skipped",
    "another message's partial": "both refuse",
    "a share under another index, too few others": "both refuse",
    "a partial at infinity": "both refuse",
    "a partial one byte short": "both refuse",
    "a partial one byte long": "both refuse",
    "an empty partial": "both refuse",
    "a bit flipped": "both refuse",
}


@pytest.mark.parametrize(("scheme_id", "name"), [(s, name) for s in BLS12 for name in named_cases(s)])
def test_named_partial_sets(drandref, scheme_id, name):
    _, public = setup(scheme_id, 3, seed=7)
    partials, t, n = named_cases(scheme_id)[name]
    assert compare(drandref, scheme_id, public, partials, t, n) == EXPECTED.get(name, "same signature")


def test_evmnet_recovers_the_same_signature(drandref):
    """One BN254 case (our BN254 pairings take about a second each): 2 of 3, a repeat first."""
    scheme_id = "bls-bn254-unchained-on-g1"
    poly, public = setup(scheme_id, 2, seed=11)
    partials = [partial(scheme_id, poly, 2), partial(scheme_id, poly, 0)]
    assert compare(drandref, scheme_id, public, partials, 2, 3) == "same signature"


@pytest.mark.parametrize("scheme_id", BLS12)
def test_verify_partial_agrees(drandref, scheme_id):
    _, public = setup(scheme_id, 3, seed=7)
    commits = [c.hex() for c in public.to_bytes_list()]
    for name, (partials, _, _) in named_cases(scheme_id).items():
        for item in partials:
            kind, answer = drandref.outcome(
                "tbls.verify_partial",
                scheme=scheme_id,
                commits=commits,
                message=MESSAGE.hex(),
                partial=item.hex(),
            )
            assert kind != "panic", f"{name}: kyber panicked: {answer}"
            valid = is_valid_partial(scheme_by_id(scheme_id), public, MESSAGE, item)
            assert valid == (kind == "ok"), f"{name}: kyber {kind} {answer}, ours {valid}"


# -- generated partial sets ------------------------------------------------------------------------------


@given(
    scheme_id=st.sampled_from(BLS12),
    t=st.integers(1, 5),
    n=st.integers(1, 8),
    seed=st.integers(0, 2**32),
    picks=st.lists(
        st.tuples(
            st.integers(0, 10), st.sampled_from(["good", "good", "good", "other message", "short", "flip"])
        ),
        max_size=10,
    ),
    threshold_shift=st.integers(-1, 1),
)
@example(scheme_id="pedersen-bls-chained", t=2, n=3, seed=1, picks=[(0, "good"), (0, "good"), (1, "good")],
         threshold_shift=0)  # fmt: skip
@settings(max_examples=60)
def test_generated_partial_sets(drandref, scheme_id, t, n, seed, picks, threshold_shift):
    poly, public = setup(scheme_id, t, seed)
    partials = []
    for index, kind in picks:
        item = partial(scheme_id, poly, index, b"other" if kind == "other message" else MESSAGE)
        if kind == "short":
            item = item[:-1]
        elif kind == "flip":
            item = item[:5] + bytes([item[5] ^ 1]) + item[6:]
        partials.append(item)
    asked = max(1, t + threshold_shift)  # the threshold Recover is asked for may differ from the polynomial's
    event(compare(drandref, scheme_id, public, partials, asked, n))
