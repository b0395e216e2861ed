"""kyber's own ``sign/schnorr`` (the DKG bundles' signatures) against ``drand_edu.crypto.schnorr``.

kyber's ``Sign`` draws its nonce ``k`` from the suite's random stream (drand's ``schnorrSuite`` /
``dkg.Suite`` read ``crypto/rand``), so two signatures of one message differ and bytes cannot be compared:
the tests cross-verify instead (kyber verifies ours, we verify kyber's) and require both to refuse the
same forgeries, lengths, non-canonical scalars and key/message swaps. The op uses the scheme drand's
``internal/dkg/execution.go`` builds (``schnorr.NewScheme(sch.KeyGroup.(dkg.Suite))``), not the
``DKGAuthScheme`` field, which drand never reads.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drand_edu.crypto import schnorr
from drand_edu.crypto.schemes import SCHEMES, scheme_by_id
from drand_edu.errors import InvalidInput
from drand_edu.rng import seeded_rng

# one scheme per key group: G1 (BLS12-381), G2 (BLS12-381), BN254's G2
KEY_GROUP_SCHEMES = ["pedersen-bls-chained", "bls-unchained-g1-rfc9380", "bls-bn254-unchained-on-g1"]


def _secret_hex(secret: int) -> str:
    return secret.to_bytes(32, "big").hex()


def _kyber_verifies(drandref, scheme_id: str, public, message: bytes, signature: bytes) -> bool:
    kind, _ = drandref.outcome(
        "schnorr_verify", scheme=scheme_id, public=public.to_bytes().hex(), message=message.hex(),
        signature=signature.hex(),
    )  # fmt: skip
    return kind == "ok"


def _both(drandref, scheme_id: str, public, message: bytes, signature: bytes) -> tuple[bool, bool]:
    group = scheme_by_id(scheme_id).key_group
    return schnorr.verify(group, public, message, signature), _kyber_verifies(
        drandref, scheme_id, public, message, signature
    )


def _keypair(scheme_id: str, seed: int):
    group = scheme_by_id(scheme_id).key_group
    secret = 1 + seeded_rng(seed).randrange(group.order - 1)
    return group, secret, group.generator() * secret


@pytest.mark.parametrize("scheme_id", sorted(SCHEMES))
def test_kyber_signs_at_random_and_we_verify_it(drandref, scheme_id):
    group, secret, public = _keypair(scheme_id, 1)
    first = drandref.call("schnorr_sign", scheme=scheme_id, secret=_secret_hex(secret), message="00ff")
    second = drandref.call("schnorr_sign", scheme=scheme_id, secret=_secret_hex(secret), message="00ff")
    assert first["public"] == public.to_bytes().hex()  # same public key for the same scalar
    assert first["signature"] != second["signature"]  # kyber's nonce is random: no byte comparison possible
    for answer in (first, second):
        signature = bytes.fromhex(answer["signature"])
        assert len(signature) == schnorr.signature_size(group)
        assert schnorr.verify(group, public, b"\x00\xff", signature)
        assert not schnorr.verify(group, public, b"\x00\xfe", signature)


@pytest.mark.parametrize("scheme_id", KEY_GROUP_SCHEMES)
@pytest.mark.parametrize("message", [b"", b"\x00", bytes(32), bytes(range(256)) * 3])
def test_kyber_verifies_ours(drandref, scheme_id, message):
    group, secret, public = _keypair(scheme_id, 2)
    signature = schnorr.sign(group, secret, message, seeded_rng(3))
    assert _both(drandref, scheme_id, public, message, signature) == (True, True)


def _forgeries(group, secret, public, message, signature):
    """(name, public, message, signature) cases both must refuse, and the k = 0 case both accept."""
    size = group.size
    s = int.from_bytes(signature[size:], "big")
    h0 = schnorr.challenge(public, group.identity(), message)
    yield "wrong message", public, message + b"!", signature, False
    yield "s + 1", public, message, signature[:size] + ((s + 1) % group.order).to_bytes(32, "big"), False
    unreduced = signature[:size] + (s + group.order).to_bytes(32, "big")
    yield "s + r (not canonical)", public, message, unreduced, False
    yield "R = G", public, message, group.generator().to_bytes() + signature[size:], False
    yield "R at infinity, s unchanged", public, message, group.identity().to_bytes() + signature[size:], False
    # k = 0: R is the point at infinity and s = h·x: a valid signature whose nonce is zero; both accept it
    zero_nonce = group.identity().to_bytes() + (h0 * secret % group.order).to_bytes(32, "big")
    yield "R at infinity, s = h·x", public, message, zero_nonce, True
    yield "empty", public, message, b"", False
    yield "one byte short", public, message, signature[:-1], False
    yield "one byte long", public, message, signature + b"\x00", False
    yield "R and s swapped halves", public, message, signature[size:] + signature[:size], False
    yield "all zero", public, message, bytes(len(signature)), False
    yield "public key at infinity", group.identity(), message, signature, False
    yield "other key", group.generator() * (secret + 1), message, signature, False


@pytest.mark.parametrize("scheme_id", KEY_GROUP_SCHEMES)
def test_both_refuse_the_same_forgeries(drandref, scheme_id):
    group, secret, public = _keypair(scheme_id, 4)
    message = b"a deal bundle hash"
    signature = schnorr.sign(group, secret, message, seeded_rng(5))
    for name, key, msg, sig, expected in _forgeries(group, secret, public, message, signature):
        assert _both(drandref, scheme_id, key, msg, sig) == (expected, expected), name


def test_a_key_on_the_wrong_group_is_refused_by_both(drandref):
    """A G1 key's signature checked as a G2-key scheme's: kyber cannot decode the key, ours refuses it."""
    group, secret, public = _keypair("pedersen-bls-chained", 6)
    signature = schnorr.sign(group, secret, b"m", seeded_rng(7))
    kind, _ = drandref.outcome(
        "schnorr_verify", scheme="bls-unchained-g1-rfc9380", public=public.to_bytes().hex(), message="6d",
        signature=signature.hex(),
    )  # fmt: skip
    assert kind == "error"
    with pytest.raises(InvalidInput):  # a key on G1 for a G2 group
        schnorr.verify_or_raise(scheme_by_id("bls-unchained-g1-rfc9380").key_group, public, b"m", signature)


@settings(max_examples=25)
@given(
    scheme_id=st.sampled_from(KEY_GROUP_SCHEMES),
    seed=st.integers(0, 2**32),
    message=st.binary(max_size=200),
    flip=st.integers(0, 10_000),
)
@example(scheme_id="bls-bn254-unchained-on-g1", seed=0, message=b"", flip=0)
def test_generated_cross_verification(drandref, scheme_id, seed, message, flip):
    group, secret, public = _keypair(scheme_id, seed)
    ours = schnorr.sign(group, secret, message, seeded_rng(seed + 1))
    assert _both(drandref, scheme_id, public, message, ours) == (True, True)
    theirs = bytes.fromhex(
        drandref.call("schnorr_sign", scheme=scheme_id, secret=_secret_hex(secret), message=message.hex())[
            "signature"
        ]
    )
    assert schnorr.verify(group, public, message, theirs)
    # one flipped bit anywhere: the verdicts agree
    position = flip % (8 * len(ours))
    mutated = bytearray(ours)
    mutated[position // 8] ^= 1 << (position % 8)
    ours_ok, kyber_ok = _both(drandref, scheme_id, public, message, bytes(mutated))
    assert ours_ok == kyber_ok
