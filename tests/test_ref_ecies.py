"""kyber's own ``encrypt/ecies`` (how kyber's DKG encrypts deals) against ``drand_edu.threshold.dkg.ecies``.

kyber's ``share/dkg`` encrypts a share with ``ecies.Encrypt(suite, node.Public, share, sha256.New)`` and
decrypts with ``ecies.Decrypt`` (the suite being the scheme's key group, as drand's
``internal/dkg/execution.go`` sets it). Encryption draws a fresh ephemeral scalar each time, so the tests
decrypt across: kyber decrypts what we encrypted, we decrypt what kyber encrypted, and both refuse the
same tampered, truncated and wrong-key ciphertexts.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drand_edu.crypto.schemes import SCHEMES, scheme_by_id
from drand_edu.errors import InvalidShare
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import ecies

KEY_GROUP_SCHEMES = ["pedersen-bls-chained", "bls-unchained-g1-rfc9380", "bls-bn254-unchained-on-g1"]


def _keypair(scheme_id: str, seed: int):
    group = scheme_by_id(scheme_id).key_group
    secret = 1 + seeded_rng(seed).randrange(group.order - 1)
    return group, secret, group.generator() * secret


def _kyber_decrypt(drandref, scheme_id: str, secret: int, ciphertext: bytes) -> bytes | None:
    kind, result = drandref.outcome(
        "ecies_decrypt",
        scheme=scheme_id,
        secret=secret.to_bytes(32, "big").hex(),
        ciphertext=ciphertext.hex(),
    )
    return bytes.fromhex(result) if kind == "ok" else None


def _ours_decrypt(group, secret: int, ciphertext: bytes) -> bytes | None:
    try:
        return ecies.decrypt(group, secret, ciphertext)
    except InvalidShare:
        return None


def _kyber_encrypt(drandref, scheme_id: str, public, message: bytes) -> bytes:
    return bytes.fromhex(
        drandref.call(
            "ecies_encrypt", scheme=scheme_id, public=public.to_bytes().hex(), message=message.hex()
        )
    )


@pytest.mark.parametrize("scheme_id", sorted(SCHEMES))
@pytest.mark.parametrize("message", [b"", bytes(32), b"\xff" * 33, bytes(range(256))])
def test_each_decrypts_the_others_deal(drandref, scheme_id, message):
    group, secret, public = _keypair(scheme_id, 1)
    ours = ecies.encrypt(group, public, message, seeded_rng(2))
    assert len(ours) == group.size + len(message) + ecies.TAG_SIZE
    assert _kyber_decrypt(drandref, scheme_id, secret, ours) == message
    theirs = _kyber_encrypt(drandref, scheme_id, public, message)
    assert len(theirs) == len(ours)  # same layout: E ‖ AES-GCM ciphertext ‖ tag
    assert ecies.decrypt(group, secret, theirs) == message


@pytest.mark.parametrize("scheme_id", KEY_GROUP_SCHEMES)
def test_both_refuse_the_same_bad_ciphertexts(drandref, scheme_id):
    group, secret, public = _keypair(scheme_id, 3)
    message = (12345).to_bytes(32, "big")  # a share, as kyber's dkg marshals it
    good = ecies.encrypt(group, public, message, seeded_rng(4))
    size = group.size
    cases = {
        "empty": b"",
        "only E": good[:size],
        "E and half a tag": good[: size + 8],
        "tag cut": good[:-1],
        "a byte more": good + b"\x00",
        "ciphertext byte flipped": good[:size] + bytes([good[size] ^ 1]) + good[size + 1 :],
        "tag byte flipped": good[:-1] + bytes([good[-1] ^ 0x80]),
        "E replaced by G": group.generator().to_bytes() + good[size:],
        "E at infinity": group.identity().to_bytes() + good[size:],
        "E garbage": b"\x01" * size + good[size:],
    }
    for name, ciphertext in cases.items():
        assert _ours_decrypt(group, secret, ciphertext) is None, name
        assert _kyber_decrypt(drandref, scheme_id, secret, ciphertext) is None, name
    # the right ciphertext under the wrong key
    assert _ours_decrypt(group, secret + 1, good) is None
    assert _kyber_decrypt(drandref, scheme_id, secret + 1, good) is None


@pytest.mark.parametrize("scheme_id", KEY_GROUP_SCHEMES)
def test_an_ephemeral_key_at_infinity_decrypts_for_both(drandref, scheme_id):
    """E = infinity makes the shared point infinity whatever the secret: kyber and ours both accept it.

    Not a weakness of the DKG (the dealer, who writes E, knows the share anyway), but both behave alike.
    """
    group, secret, _ = _keypair(scheme_id, 5)
    crafted = ecies.encrypt(group, group.identity(), b"anyone can read this", seeded_rng(6))
    crafted = group.identity().to_bytes() + crafted[group.size :]
    assert _ours_decrypt(group, secret, crafted) == b"anyone can read this"
    assert _kyber_decrypt(drandref, scheme_id, secret, crafted) == b"anyone can read this"


@settings(max_examples=25)
@given(
    scheme_id=st.sampled_from(KEY_GROUP_SCHEMES),
    seed=st.integers(0, 2**32),
    message=st.binary(max_size=100),
    flip=st.integers(0, 10_000),
)
@example(scheme_id="bls-bn254-unchained-on-g1", seed=0, message=b"", flip=0)
def test_generated_deals(drandref, scheme_id, seed, message, flip):
    group, secret, public = _keypair(scheme_id, seed)
    ours = ecies.encrypt(group, public, message, seeded_rng(seed + 1))
    assert _kyber_decrypt(drandref, scheme_id, secret, ours) == message
    assert ecies.decrypt(group, secret, _kyber_encrypt(drandref, scheme_id, public, message)) == message
    position = flip % (8 * len(ours))
    mutated = bytearray(ours)
    mutated[position // 8] ^= 1 << (position % 8)
    assert _ours_decrypt(group, secret, bytes(mutated)) == _kyber_decrypt(
        drandref, scheme_id, secret, bytes(mutated)
    )
