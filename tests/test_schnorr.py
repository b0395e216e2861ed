"""Schnorr signatures on the key group (kyber sign/schnorr, as drand's DKG config builds it)."""

from __future__ import annotations

import hashlib

import pytest

from drand_edu.crypto import CURVE_ORDER, G1, G2, schnorr, use_backend
from drand_edu.errors import InvalidInput, InvalidSignature
from drand_edu.rng import seeded_rng

MSG = b"a DKG packet hash, 32 bytes long"


def keypair(group, seed: int = 1) -> tuple[int, object]:
    secret = 1 + seeded_rng(seed).randrange(CURVE_ORDER - 1)
    return secret, group.generator() * secret


@pytest.mark.parametrize("group", [G1, G2], ids=["G1", "G2"])
def test_sign_verify_on_both_backends(backend, group) -> None:
    secret, public = keypair(group)
    sig = schnorr.sign(group, secret, MSG, seeded_rng(7))
    assert len(sig) == group.size + 32 == schnorr.signature_size(group)
    assert schnorr.verify(group, public, MSG, sig)
    assert not schnorr.verify(group, public, MSG + b"!", sig)
    # the same seed gives the same nonce, hence the same bytes on both backends
    assert sig == schnorr.sign(group, secret, MSG, seeded_rng(7))


def test_signature_layout_matches_kyber_equation() -> None:
    """R ‖ s with s·G = R + h·A, h = SHA-512(R ‖ A ‖ msg) big-endian mod r (kyber schnorr.go)."""
    with use_backend("arkworks"):
        for group in (G1, G2):
            secret, public = keypair(group, seed=3)
            sig = schnorr.sign(group, secret, MSG, seeded_rng(4))
            r_bytes, s_bytes = sig[: group.size], sig[group.size :]
            big_r = group.from_bytes(r_bytes)
            s = int.from_bytes(s_bytes, "big")
            assert s < CURVE_ORDER
            digest = hashlib.sha512(r_bytes + public.to_bytes() + MSG).digest()
            h = int.from_bytes(digest, "big") % CURVE_ORDER
            assert group.generator() * s == big_r + public * h
            # and the nonce is recoverable from s (k = s - h·x): R really is k·G
            assert group.generator() * ((s - h * secret) % CURVE_ORDER) == big_r


def test_rejections() -> None:
    with use_backend("arkworks"):
        group = G1
        secret, public = keypair(group)
        _, other = keypair(group, seed=2)
        sig = schnorr.sign(group, secret, MSG, seeded_rng(1))
        assert not schnorr.verify(group, other, MSG, sig)
        assert not schnorr.verify(group, public, MSG, sig[:-1])
        assert not schnorr.verify(group, public, MSG, sig + b"\x00")
        bumped_s = sig[:48] + ((int.from_bytes(sig[48:], "big") + 1) % CURVE_ORDER).to_bytes(32, "big")
        assert not schnorr.verify(group, public, MSG, bumped_s)
        non_canonical = sig[:48] + (int.from_bytes(sig[48:], "big") + CURVE_ORDER).to_bytes(32, "big")
        with pytest.raises(InvalidSignature, match="canonical"):
            schnorr.verify_or_raise(group, public, MSG, non_canonical)
        with pytest.raises(InvalidSignature, match="R is not"):
            schnorr.verify_or_raise(group, public, MSG, b"\x01" * 48 + sig[48:])
        with pytest.raises(InvalidSignature, match="length"):
            schnorr.verify_or_raise(group, public, MSG, sig[:-1])
        with pytest.raises(InvalidSignature):
            schnorr.verify_or_raise(group, public, MSG, "not bytes")  # type: ignore[arg-type]
        with pytest.raises(InvalidInput):
            schnorr.verify(G2, public, MSG, sig)  # a G1 key for a G2 signature
        for bad_secret in (0, CURVE_ORDER, -1, "1"):
            with pytest.raises(InvalidInput):
                schnorr.sign(group, bad_secret, MSG)  # type: ignore[arg-type]


def test_batch_verify() -> None:
    with use_backend("arkworks"):
        rng = seeded_rng(9)
        items = []
        for seed in range(6):
            secret, public = keypair(G1, seed=seed + 10)
            message = MSG + bytes([seed])
            items.append((public, message, schnorr.sign(G1, secret, message, rng)))
        assert schnorr.batch_verify(G1, items, rng)
        assert schnorr.batch_verify(G1, [], rng)
        # a signature moved to another message, or another key, breaks the batch
        swapped = [*items[:-1], (items[-1][0], items[0][1], items[-1][2])]
        assert not schnorr.batch_verify(G1, swapped, rng)
        assert not schnorr.batch_verify(G1, [*items[:2], (items[3][0], items[2][1], items[2][2])], rng)
        assert not schnorr.batch_verify(G1, [*items, (items[0][0], MSG, b"short")], rng)
        # two forged signatures whose errors cancel in a plain sum do not cancel with random weights
        (pa, ma, sa), (pb, mb, sb) = items[0], items[1]
        sa2 = sa[:48] + ((int.from_bytes(sa[48:], "big") + 5) % CURVE_ORDER).to_bytes(32, "big")
        sb2 = sb[:48] + ((int.from_bytes(sb[48:], "big") - 5) % CURVE_ORDER).to_bytes(32, "big")
        assert not schnorr.batch_verify(G1, [(pa, ma, sa2), (pb, mb, sb2)], rng)
