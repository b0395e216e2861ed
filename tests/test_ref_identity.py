"""drand's own identity self-signatures (``key.Pair.SelfSign``, ``key.Identity.ValidSignature``) against
``drand_edu.crypto.identity``.

BLS signing is deterministic, so a self-signature is compared byte for byte: for every scheme drand's
``SelfSign`` and ours give the same bytes for the same secret. What is signed is ``scheme name ‖
BLAKE2b-256(key as drand marshals it)`` — the address is not in it (the tests sign with two addresses and
get one signature). On evmnet the key is BN254's uncompressed 128-byte G2 point and the signature a
64-byte uncompressed G1 point. Then both directions of checking, and the same refusals: a wrong key, a
wrong scheme, an empty, truncated or garbage signature.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drand_edu.crypto import bls, identity
from drand_edu.crypto.constants import BN254_FIELD_MODULUS
from drand_edu.crypto.schemes import SCHEMES, scheme_by_id
from drand_edu.rng import seeded_rng

SIGNATURE_SIZES = {
    "pedersen-bls-chained": 96,
    "pedersen-bls-unchained": 96,
    "bls-unchained-on-g1": 48,
    "bls-unchained-g1-rfc9380": 48,
    "bls-bn254-unchained-on-g1": 64,
}


def _secret(scheme_id: str, seed: int) -> int:
    return 1 + seeded_rng(seed).randrange(scheme_by_id(scheme_id).key_group.order - 1)


def _drand_signs(drandref, scheme_id: str, secret: int, address: str = "node0.example:4444") -> dict:
    return drandref.call(
        "identity_self_sign", scheme=scheme_id, secret=secret.to_bytes(32, "big").hex(), address=address
    )


def _drand_accepts(drandref, scheme_id: str, key: bytes, signature: bytes) -> bool:
    kind, _ = drandref.outcome(
        "identity_valid_signature", scheme=scheme_id, key=key.hex(), signature=signature.hex(), address="a:1"
    )
    return kind == "ok"


@pytest.mark.parametrize("scheme_id", sorted(SCHEMES))
def test_same_self_signature_as_drand_for_every_scheme(drandref, scheme_id):
    scheme = scheme_by_id(scheme_id)
    secret = _secret(scheme_id, 1)
    public = bls.public_key(scheme, secret)
    theirs = _drand_signs(drandref, scheme_id, secret)
    assert theirs["public"] == public.to_bytes().hex()
    assert theirs["hash"] == identity.identity_hash(scheme, public).hex()
    ours = identity.self_sign(scheme, secret)
    assert theirs["signature"] == ours.hex()
    assert len(ours) == SIGNATURE_SIZES[scheme_id] == scheme.sig_group.size
    # the address is not signed: another address, the same signature
    assert _drand_signs(drandref, scheme_id, secret, address="elsewhere:1")["signature"] == ours.hex()
    assert identity.valid_signature(scheme, public, ours)
    assert _drand_accepts(drandref, scheme_id, public.to_bytes(), ours)


def test_evmnet_signs_the_uncompressed_key(drandref):
    scheme = scheme_by_id("bls-bn254-unchained-on-g1")
    public = bls.public_key(scheme, 7)
    assert len(public.to_bytes()) == 128  # x ‖ y of BN254's G2, uncompressed
    expected = scheme.id.encode() + hashlib.blake2b(public.to_bytes(), digest_size=32).digest()
    assert identity.identity_message(scheme, public) == expected
    assert _drand_signs(drandref, scheme.id, 7)["signature"] == bls.sign(scheme, 7, expected).hex()


@pytest.mark.parametrize("scheme_id", sorted(SCHEMES))
def test_both_refuse_the_same_bad_signatures(drandref, scheme_id):
    scheme = scheme_by_id(scheme_id)
    secret = _secret(scheme_id, 2)
    public = bls.public_key(scheme, secret)
    good = identity.self_sign(scheme, secret)
    other_key = bls.public_key(scheme, secret + 1).to_bytes()
    # the same key pair signing the message of another scheme with the same groups
    twins = [s for s in SCHEMES.values() if s.key_group is scheme.key_group and s.id != scheme_id]
    cases = {
        "empty": (public.to_bytes(), b""),
        "truncated": (public.to_bytes(), good[:-1]),
        "garbage": (public.to_bytes(), b"\x01" * len(good)),
        "other key": (other_key, good),
        "plain message signed, no scheme prefix": (
            public.to_bytes(),
            bls.sign(scheme, secret, identity.identity_hash(scheme, public)),
        ),
        "signature on the hash of the address": (public.to_bytes(), bls.sign(scheme, secret, b"node0:1")),
    }
    for twin in twins:
        cases[f"signed for {twin.id}"] = (public.to_bytes(), identity.self_sign(twin, secret))
    for name, (key, signature) in cases.items():
        ours = identity.valid_signature(scheme, key, signature)
        assert (ours, _drand_accepts(drandref, scheme_id, key, signature)) == (False, False), name


@pytest.mark.parametrize("scheme_id", sorted(set(SCHEMES) - {"bls-bn254-unchained-on-g1"}))
def test_a_trailing_byte_is_refused_by_both_on_bls12_381(drandref, scheme_id):
    scheme = scheme_by_id(scheme_id)
    public = bls.public_key(scheme, 11)
    signature = identity.self_sign(scheme, 11) + b"\x00"
    assert not identity.valid_signature(scheme, public, signature)
    assert not _drand_accepts(drandref, scheme_id, public.to_bytes(), signature)


def test_bn254_encodings_kyber_accepts_and_we_refuse(drandref):
    """Listed in tests/data/differences.toml (``bn254-lenient-point-decoding``): kyber's BN254
    ``UnmarshalBinary`` reads the first 64 (G1) or 128 (G2) bytes and ignores the rest, and drops the
    error of each coordinate's range check, so bytes after the point and a coordinate written as ``y + p``
    both pass. Ours decodes exactly one canonical point and refuses them."""
    scheme = scheme_by_id("bls-bn254-unchained-on-g1")
    public = bls.public_key(scheme, 11)
    good = identity.self_sign(scheme, 11)
    y = int.from_bytes(good[32:], "big")
    lenient = {
        "a byte more": good + b"\x00",
        "32 bytes more": good + b"\xff" * 32,
        "y + p": good[:32] + (y + BN254_FIELD_MODULUS).to_bytes(32, "big"),
    }
    for name, signature in lenient.items():
        assert _drand_accepts(drandref, scheme.id, public.to_bytes(), signature), name
        assert not identity.valid_signature(scheme, public, signature), name
    key = public.to_bytes()
    assert _drand_accepts(drandref, scheme.id, key + b"\x00", good)  # the key too
    assert not identity.valid_signature(scheme, key + b"\x00", good)


def test_a_key_on_the_wrong_curve_is_refused_by_both(drandref):
    g1_scheme = scheme_by_id("pedersen-bls-chained")
    signature = identity.self_sign(g1_scheme, 5)
    key = bls.public_key(g1_scheme, 5).to_bytes()
    for scheme_id in ("bls-unchained-g1-rfc9380", "bls-bn254-unchained-on-g1"):
        assert not identity.valid_signature(scheme_by_id(scheme_id), key, signature)
        assert not _drand_accepts(drandref, scheme_id, key, signature)


@pytest.mark.parametrize("scheme_id", sorted(SCHEMES))
def test_the_key_at_infinity_drand_accepts_and_we_refuse(drandref, scheme_id):
    """Listed in tests/data/differences.toml (``identity-at-infinity``): the zero key with the signature at
    infinity passes kyber's pairing check (e(0, H) = e(G, 0) = 1), so drand's ``ValidSignature`` accepts
    it in every scheme; ours refuses the point at infinity as a key or a signature, always."""
    scheme = scheme_by_id(scheme_id)
    key = scheme.key_group.identity().to_bytes()
    signature = scheme.sig_group.identity().to_bytes()
    assert _drand_accepts(drandref, scheme_id, key, signature)
    assert not identity.valid_signature(scheme, key, signature)
    # a real key with the signature at infinity, and the key at infinity with a real signature: both refuse
    real_key = bls.public_key(scheme, 3).to_bytes()
    assert not _drand_accepts(drandref, scheme_id, real_key, signature)
    assert not identity.valid_signature(scheme, real_key, signature)
    real_signature = identity.self_sign(scheme, 3)
    assert not _drand_accepts(drandref, scheme_id, key, real_signature)
    assert not identity.valid_signature(scheme, key, real_signature)


@settings(max_examples=20)
@given(scheme_id=st.sampled_from(sorted(SCHEMES)), seed=st.integers(0, 2**32), flip=st.integers(0, 10_000))
@example(scheme_id="bls-bn254-unchained-on-g1", seed=0, flip=0)
def test_generated_identities(drandref, scheme_id, seed, flip):
    scheme = scheme_by_id(scheme_id)
    secret = _secret(scheme_id, seed)
    public = bls.public_key(scheme, secret)
    ours = identity.self_sign(scheme, secret)
    assert _drand_signs(drandref, scheme_id, secret)["signature"] == ours.hex()
    position = flip % (8 * len(ours))
    mutated = bytearray(ours)
    mutated[position // 8] ^= 1 << (position % 8)
    verdicts = (
        identity.valid_signature(scheme, public, bytes(mutated)),
        _drand_accepts(drandref, scheme_id, public.to_bytes(), bytes(mutated)),
    )
    assert verdicts == (False, False)
