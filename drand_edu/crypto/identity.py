"""A node's identity and its self-signature, as drand's ``common/key/keys.go`` defines them.

A drand node is known by its long-term public key (on the scheme's *key* group) and an address.
Every key pair signs its own public key when it is made (``Pair.SelfSign``), and whoever is handed
an identity checks that signature (``Identity.ValidSignature``) before using the key. What this
proves is narrow: whoever made the signature held the secret key (no one can put a key of their own
invention, or a sum of other keys, in a proposal), and the key is bound to one scheme. It does *not*
bind the address: the address is not signed, BLS signing is deterministic and the signature is
public, so anyone can pair a key and its signature with any address. What ties an address to a key
in a DKG is the leader's proposal plus the DKG messages each node signs with that key
(:mod:`drand_edu.net.dkg_packets`).

What is signed, exactly:

* the identity hash is BLAKE2b-256 of the public key as drand marshals it (drand's
  ``Identity.Hash`` with the scheme's ``IdentityHash``, which is ``blake2b.New256`` in every scheme
  of ``crypto/schemes.go``): the compressed point on BLS12-381, the uncompressed ``x ‖ y`` (128
  bytes on BN254's G2) for evmnet; the address is left out, so a node can move and keep its identity;
* the signed message is the scheme's name followed by that hash, ``scheme_id ‖ H(pk)``, "to avoid
  scheme confusion during DKG";
* the signature is made with the scheme's ``AuthScheme``: a plain BLS signature on the scheme's
  *signature* group (``sign/bls`` ``NewSchemeOnG2``/``NewSchemeOnG1``), with the same hash-to-curve
  DST as the beacons (:func:`drand_edu.crypto.bls.sign`). So it is 96 bytes for the G1-key
  schemes, 48 for the BLS12-381 G2-key ones, and 64 (an uncompressed BN254 G1 point) for evmnet.

Checked against drand's own ``SelfSign`` and ``ValidSignature`` in ``tests/test_ref_identity.py``:
the same bytes in every scheme. Two refusals are ours only (``tests/data/differences.toml``): the
key and signature at infinity, which kyber's pairing check lets through, and BN254 encodings kyber
decodes leniently (trailing bytes, a coordinate not reduced mod ``p``).

The signature is stored hex-encoded in the ``Signature`` field of the public key file
(``PublicTOML``), of each ``[[Nodes]]`` entry of a group file (``NodeTOML``), and in every
participant of a DKG proposal. drand checks it when a proposal names a joiner
(``validateJoinerSignatures`` in ``internal/dkg/state_machine.go``), when the CLI reads an identity,
and at start-up for its own key (``NewBeaconProcess`` refuses to run with an invalid one).

**Old signatures, and the migration.** drand v1 signed the identity hash *alone*, without the
scheme's name in front, so a v1 key file and the ``[[Nodes]]`` of a v1 group file carry
signatures in that older format, which today's ``ValidSignature`` refuses (drand's own test data
has one: ``TestLenIgnoresMissingNodes`` in ``common/key/group_test.go``). drand migrates them:
``drand start`` first runs ``SelfSignAll``, which, for every beacon id, puts the key pair on the
group file's scheme, keeps its signature if it verifies and otherwise signs again and saves the
key pair (:func:`migrate_signature` plays it for one key). The *other* nodes' signatures in the
group file cannot be redone by us; at load drand only *warns* about them (``checkGroup``, which
lists ``Group.UnsignedIdentities``: :func:`unsigned_identities`), and they are replaced at the next
resharing, whose group file is built from the participants' current identities.

Our functions: :func:`identity_hash`, :func:`identity_message`, :func:`self_sign`,
:func:`valid_signature` / :func:`check_signature`, :func:`migrate_signature`,
:func:`unsigned_identities`.

The lines:
[`Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L46-L50),
[`ValidSignature`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L54-L59),
[`SelfSign`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L73-L83),
[`PublicTOML`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L122-L127),
[`validateJoinerSignatures`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L768-L779),
[`SelfSignAll`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/store.go#L223-L266),
[`checkGroup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L456-L466),
[`UnsignedIdentities`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L473-L484),
and the
``IdentityHash`` of
[`NewPedersenBLSChained`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L96-L129).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Protocol, TypeVar

from ..errors import InvalidPoint, InvalidSignature
from . import bls
from .groups import Point
from .schemes import Scheme


def _public_bytes(scheme: Scheme, public: Point | bytes) -> bytes:
    if isinstance(public, Point):
        if public.group is not scheme.key_group:
            raise InvalidPoint(f"a {scheme.id} identity key is on {scheme.key_group.name}")
        return public.to_bytes()
    return bytes(public)


def identity_hash(scheme: Scheme, public: Point | bytes) -> bytes:
    """drand's ``Identity.Hash``: BLAKE2b-256 (the scheme's ``IdentityHash``) of the marshalled key."""
    return hashlib.blake2b(_public_bytes(scheme, public), digest_size=32).digest()


def identity_message(scheme: Scheme, public: Point | bytes) -> bytes:
    """What a key pair signs about itself: ``scheme name ‖ identity_hash(public)``."""
    return scheme.id.encode() + identity_hash(scheme, public)


def self_sign(scheme: Scheme, secret: int) -> bytes:
    """drand's ``Pair.SelfSign``: the ``AuthScheme`` (BLS) signature of :func:`identity_message`."""
    public = bls.public_key(scheme, secret)
    return bls.sign(scheme, secret, identity_message(scheme, public))


def check_signature(scheme: Scheme, public: Point | bytes, signature: bytes) -> None:
    """drand's ``Identity.ValidSignature``: raise :class:`InvalidSignature` unless ``signature`` is
    ``public``'s self-signature for ``scheme`` (an empty or malformed one included)."""
    if not signature:
        raise InvalidSignature("the identity is not self-signed (empty signature)")
    try:
        bls.verify_or_raise(scheme, public, identity_message(scheme, public), bytes(signature))
    except InvalidPoint as error:
        raise InvalidSignature(f"invalid identity self-signature: {error}") from None
    except InvalidSignature:
        raise InvalidSignature(f"invalid identity self-signature for this {scheme.id} key") from None


def valid_signature(scheme: Scheme, public: Point | bytes, signature: bytes) -> bool:
    """True when ``signature`` is ``public``'s valid self-signature (see :func:`check_signature`)."""
    try:
        check_signature(scheme, public, signature)
    except (InvalidSignature, InvalidPoint):
        return False
    return True


def migrate_signature(scheme: Scheme, secret: int, signature: bytes) -> bytes:
    """drand's ``SelfSignAll`` for one key pair: the self-signature to keep on disk.

    ``signature`` is kept when it verifies under ``scheme`` (drand: "public identity already self
    signed"); otherwise, an empty or older-format one (drand v1 signed the identity hash alone), the
    key pair signs itself again. ``scheme`` is the group file's when there is one: drand moves the key
    pair onto it before checking.
    """
    public = bls.public_key(scheme, secret)
    if signature and valid_signature(scheme, public, signature):
        return bytes(signature)
    return self_sign(scheme, secret)


class _SignedNode(Protocol):
    @property
    def public_key(self) -> bytes: ...

    @property
    def signature(self) -> bytes: ...


_Node = TypeVar("_Node", bound=_SignedNode)


def unsigned_identities(scheme: Scheme, nodes: Iterable[_Node]) -> list[_Node]:
    """drand's ``Group.UnsignedIdentities``: the nodes whose self-signature does not verify.

    Empty, older-format and wrong signatures alike. drand's ``checkGroup`` only logs them as a
    warning when a node loads its group ("Group contains invalid signatures", fix: upgrade); it does
    not refuse the group, since a node cannot re-sign the other nodes' keys.
    """
    return [n for n in nodes if not valid_signature(scheme, n.public_key, n.signature)]
