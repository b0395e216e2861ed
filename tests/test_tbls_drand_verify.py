"""Independent check: threshold signatures recovered by drand_edu verify with the Rust ``drand_verify``.

A group secret is Shamir-shared among n=5 nodes with threshold t=3; for each round three nodes
sign partials, the partials are recovered into the group's beacon signature, and the PyPI package
``drand-verify`` (Rust, the verifier of drand's CosmWasm contracts) accepts it. Its functions take
*hex strings* (bytes raise TypeError), return the round's randomness as hex, and raise ValueError
("Verification Failed") on a bad signature.
"""

from __future__ import annotations

import hashlib

import drand_verify
import pytest

from drand_edu.crypto import BLS_UNCHAINED_G1_RFC9380, BLS_UNCHAINED_ON_G1, PEDERSEN_BLS_CHAINED, bls
from drand_edu.errors import NotEnoughShares
from drand_edu.rng import seeded_rng
from drand_edu.threshold.shamir import split
from drand_edu.threshold.tbls import recover_signature, sign_partial

N, T = 5, 3
SUBSETS = [(0, 1, 2), (2, 3, 4), (0, 2, 4), (1, 3, 4), (4, 0, 3)]  # a different quorum each round


def share_group_key(scheme, seed: str):
    secret = 1 + seeded_rng(seed).randrange(2**255)
    shares, public = split(secret, N, T, group=scheme.key_group, rng=seeded_rng(seed + "/poly"))
    return secret, shares, public


def threshold_sign(scheme, shares, public, message: bytes, signers) -> bytes:
    partials = [sign_partial(scheme, shares[i], message) for i in signers]
    return recover_signature(scheme, public, message, partials, T, N)


def drand_verify_beacon(scheme, round_number: int, previous: bytes | None, signature: bytes, pk_hex: str):
    """Ask the Rust verifier about one beacon; returns its randomness, raises ValueError if rejected."""
    if scheme.chained:
        return drand_verify.verify_pedersen_bls_chained(round_number, previous.hex(), signature.hex(), pk_hex)
    return drand_verify.verify_bls_unchained_g1_rfc9380(round_number, signature.hex(), pk_hex)


def test_chained_chain_verifies_with_drand_verify() -> None:
    scheme = PEDERSEN_BLS_CHAINED
    secret, shares, public = share_group_key(scheme, "chained")
    pk_hex = public.commit().hex()
    previous = hashlib.sha256(b"drand-edu genesis seed").digest()  # round 1 links to the genesis seed
    for round_number, signers in enumerate(SUBSETS, start=1):
        message = scheme.digest(round_number, previous)  # sha256(previous_signature ‖ round)
        signature = threshold_sign(scheme, shares, public, message, signers)
        assert signature == bls.sign(scheme, secret, message)
        assert bls.verify(scheme, public.commit(), message, signature)
        randomness = drand_verify_beacon(scheme, round_number, previous, signature, pk_hex)
        assert randomness == hashlib.sha256(signature).hexdigest()
        # the verifier can say no: the same signature does not fit the next round
        with pytest.raises(ValueError):
            drand_verify_beacon(scheme, round_number + 1, previous, signature, pk_hex)
        previous = signature


@pytest.mark.parametrize(
    ("scheme", "verify"),
    [
        (BLS_UNCHAINED_G1_RFC9380, drand_verify.verify_bls_unchained_g1_rfc9380),  # quicknet's scheme
        (BLS_UNCHAINED_ON_G1, drand_verify.verify_bls_unchained_on_g1),  # the deprecated G2-DST one
    ],
    ids=lambda x: getattr(x, "id", ""),
)
def test_unchained_g1_rounds_verify_with_drand_verify(scheme, verify) -> None:
    secret, shares, public = share_group_key(scheme, scheme.id)
    pk_hex = public.commit().hex()
    assert len(pk_hex) == 192  # keys on G2
    for round_number, signers in zip((1, 2, 3, 1000, 12040883), SUBSETS, strict=True):
        message = scheme.digest(round_number)  # sha256(round)
        signature = threshold_sign(scheme, shares, public, message, signers)
        assert len(signature) == 48
        assert signature == bls.sign(scheme, secret, message)
        assert bls.verify(scheme, public.commit(), message, signature)
        assert verify(round_number, signature.hex(), pk_hex) == hashlib.sha256(signature).hexdigest()
        with pytest.raises(ValueError):
            verify(round_number + 1, signature.hex(), pk_hex)


def test_fewer_than_t_partials() -> None:
    scheme = BLS_UNCHAINED_G1_RFC9380
    _, shares, public = share_group_key(scheme, "few")
    message = scheme.digest(7)
    partials = [sign_partial(scheme, shares[i], message) for i in (1, 3)]
    with pytest.raises(NotEnoughShares):
        recover_signature(scheme, public, message, partials, T, N)


@pytest.mark.parametrize("scheme", [PEDERSEN_BLS_CHAINED, BLS_UNCHAINED_G1_RFC9380], ids=lambda s: s.id)
def test_invalid_partial_among_t_plus_1_is_skipped(scheme) -> None:
    _, shares, public = share_group_key(scheme, "skip" + scheme.id)
    previous = hashlib.sha256(b"previous").digest() if scheme.chained else None
    round_number = 42
    message = scheme.digest(round_number, previous)
    # node 1 signs the wrong round: a well-formed partial that must not be used
    bad = sign_partial(scheme, shares[1], scheme.digest(round_number + 1, previous))
    partials = [bad] + [sign_partial(scheme, shares[i], message) for i in (0, 3, 4)]
    signature = recover_signature(scheme, public, message, partials, T, N)
    pk_hex = public.commit().hex()
    randomness = drand_verify_beacon(scheme, round_number, previous, signature, pk_hex)
    assert randomness == hashlib.sha256(signature).hexdigest()
    assert bls.verify(scheme, public.commit(), message, signature)
    # without the skip, Lagrange over the bad partial gives a signature the verifier rejects
    wrong = recover_signature(scheme, public, message, partials[:3], T, N, verify=False)
    assert not bls.verify(scheme, public.commit(), message, wrong)
    with pytest.raises(ValueError):
        drand_verify_beacon(scheme, round_number, previous, wrong, pk_hex)
