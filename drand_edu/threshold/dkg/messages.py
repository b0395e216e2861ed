"""The DKG's messages, field for field as kyber's ``share/dkg/structs.go``.

Three kinds of *bundles* travel over the broadcast channel, one per phase, each signed by its
author's long-term key (Schnorr, :mod:`drand_edu.crypto.schnorr`) over a SHA-256 hash of its
content (the ``Hash()`` methods of ``structs.go``, reproduced byte for byte below):

=====================  ==========================  =============================================
bundle                 author                      content
=====================  ==========================  =============================================
:class:`DealBundle`    a dealer (old index)        commitments to its polynomial + one encrypted
                                                   share per recipient
:class:`ResponseBundle`  a share holder (new index)  per dealer: success or complaint
:class:`JustificationBundle`  a dealer (old index)  the shares complained about, *in clear*
=====================  ==========================  =============================================

All integers in the hashes are ``uint32`` big-endian (Go's ``binary.Write``); points are
compressed; scalars are 32 bytes big-endian. Bundles keep the wire form (bytes): a node decodes
the commitments itself and treats a bundle that does not decode as cheating.

In this simulation every recipient of a broadcast gets the *same* bundle object, so the hash and
the decoded commitments are cached on it (computed once, not once per recipient). A real node
decodes its own copy; the result is the same.

kyber's hashes, which the Schnorr signatures cover:
[`Hash`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/structs.go#L114-L131)
of a ``DealBundle``, of a
[`ResponseBundle`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/structs.go#L164-L181)
and of a
[`JustificationBundle`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/structs.go#L219-L233).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Protocol

from ...crypto.groups import CurveGroup, Point
from ...errors import InvalidPoint
from ...hexbytes import short_hex
from ..poly import PriShare, PubPoly

#: kyber ``dkg.Success`` / ``dkg.Complaint`` (a response's status is a bool).
SUCCESS = True
COMPLAINT = False
#: kyber ``dkg.NonceLength``: the session id of a run is 32 bytes.
NONCE_LENGTH = 32
#: A scalar on the wire (kyber ``Scalar.MarshalBinary`` on BLS12-381): 32 bytes, big-endian.
SCALAR_SIZE = 32


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def scalar_to_bytes(value: int) -> bytes:
    """A scalar as kyber marshals it: 32 bytes big-endian."""
    return value.to_bytes(SCALAR_SIZE, "big")


@dataclass(frozen=True)
class DKGNode:
    """A participant as the DKG sees it: its index and its long-term public key (kyber ``dkg.Node``).

    In a resharing the same key may have one index in the old group and another in the new one.
    """

    index: int
    public: Point

    def __repr__(self) -> str:
        return f"DKGNode({self.index}, {self.public!r})"


@dataclass(frozen=True)
class Deal:
    """One share for one recipient, encrypted to its long-term key (kyber ``Deal``)."""

    share_index: int
    encrypted_share: bytes

    def __repr__(self) -> str:
        return f"Deal(share_index={self.share_index}, encrypted_share={short_hex(self.encrypted_share)})"


class Packet(Protocol):
    """What every bundle offers (kyber's ``Packet`` interface): an author index, a hash, a signature."""

    signature: bytes

    @property
    def index(self) -> int: ...

    def hash(self) -> bytes: ...


@dataclass(frozen=True)
class DealBundle:
    """A dealer's whole contribution (kyber ``DealBundle``): commitments and one deal per holder."""

    dealer_index: int
    deals: tuple[Deal, ...]
    #: compressed commitments ``A_k = a_k·G`` to the dealer's polynomial, ``A_0`` first
    public: tuple[bytes, ...]
    session_id: bytes
    signature: bytes = b""

    kind = "deal"

    @property
    def index(self) -> int:
        return self.dealer_index

    @cached_property
    def _digest(self) -> bytes:
        h = hashlib.sha256()
        h.update(_u32(self.dealer_index))
        for commit in self.public:
            h.update(commit)
        for deal in sorted(self.deals, key=lambda d: d.share_index):  # kyber sorts, stable
            h.update(_u32(deal.share_index))
            h.update(deal.encrypted_share)
        h.update(self.session_id)
        return h.digest()

    def hash(self) -> bytes:
        """``sha256(dealer ‖ commitments ‖ (share index ‖ encrypted share)* ‖ session id)``."""
        return self._digest

    def public_poly(self, group: CurveGroup) -> PubPoly:
        """The decoded commitments; raise :class:`InvalidPoint` if one is not a valid point."""
        cache = self.__dict__.setdefault("_decoded", {})
        if group.name not in cache:
            try:
                cache[group.name] = PubPoly.from_bytes_list(group, self.public)
            except InvalidPoint as err:
                cache[group.name] = err
        result = cache[group.name]
        if isinstance(result, InvalidPoint):
            raise result
        return result

    def with_signature(self, signature: bytes) -> DealBundle:
        return replace(self, signature=signature)

    def wire_size(self) -> int:
        """Bytes of content (indices as 4 bytes), for message statistics."""
        deals = sum(4 + len(d.encrypted_share) for d in self.deals)
        return 4 + sum(len(c) for c in self.public) + deals + len(self.session_id) + len(self.signature)

    def __repr__(self) -> str:
        return f"DealBundle(dealer={self.dealer_index}, deals={len(self.deals)}, commits={len(self.public)})"


@dataclass(frozen=True)
class Response:
    """A holder's verdict on one dealer's deal (kyber ``Response``): success (True) or complaint."""

    dealer_index: int
    status: bool


@dataclass(frozen=True)
class ResponseBundle:
    """A share holder's verdicts (kyber ``ResponseBundle``).

    Without fast sync only complaints are sent (silence means "fine"); with fast sync (drand's
    choice) every holder also sends its successes, so everyone can finish as soon as all arrived.
    """

    share_index: int
    responses: tuple[Response, ...]
    session_id: bytes
    signature: bytes = b""

    kind = "response"

    @property
    def index(self) -> int:
        return self.share_index

    @cached_property
    def _digest(self) -> bytes:
        h = hashlib.sha256()
        h.update(_u32(self.share_index))
        for response in sorted(self.responses, key=lambda r: r.dealer_index):
            h.update(_u32(response.dealer_index))
            h.update(b"\x01" if response.status else b"\x00")
        h.update(self.session_id)
        return h.digest()

    def hash(self) -> bytes:
        """``sha256(holder ‖ (dealer index ‖ status byte)* ‖ session id)``."""
        return self._digest

    def with_signature(self, signature: bytes) -> ResponseBundle:
        return replace(self, signature=signature)

    def wire_size(self) -> int:
        return 4 + 5 * len(self.responses) + len(self.session_id) + len(self.signature)

    def __repr__(self) -> str:
        complaints = [r.dealer_index for r in self.responses if r.status is COMPLAINT]
        return (
            f"ResponseBundle(holder={self.share_index}, responses={len(self.responses)}, "
            f"complaints={complaints})"
        )


@dataclass(frozen=True)
class Justification:
    """A share revealed in clear to answer a complaint (kyber ``Justification``).

    Once published the share is no secret, but the repr still does not print it.
    """

    share_index: int
    share: int = field(repr=False)

    def __repr__(self) -> str:
        return f"Justification(share_index={self.share_index}, share=<revealed>)"


@dataclass(frozen=True)
class JustificationBundle:
    """A dealer's answers to the complaints against it (kyber ``JustificationBundle``)."""

    dealer_index: int
    justifications: tuple[Justification, ...]
    session_id: bytes
    signature: bytes = b""

    kind = "justification"

    @property
    def index(self) -> int:
        return self.dealer_index

    @cached_property
    def _digest(self) -> bytes:
        h = hashlib.sha256()
        h.update(_u32(self.dealer_index))
        for justification in sorted(self.justifications, key=lambda j: j.share_index):
            h.update(_u32(justification.share_index))
            h.update(scalar_to_bytes(justification.share))
        h.update(self.session_id)
        return h.digest()

    def hash(self) -> bytes:
        """``sha256(dealer ‖ (share index ‖ share as 32 bytes)* ‖ session id)``."""
        return self._digest

    def with_signature(self, signature: bytes) -> JustificationBundle:
        return replace(self, signature=signature)

    def wire_size(self) -> int:
        return 4 + (4 + SCALAR_SIZE) * len(self.justifications) + len(self.session_id) + len(self.signature)

    def __repr__(self) -> str:
        targets = [j.share_index for j in self.justifications]
        return f"JustificationBundle(dealer={self.dealer_index}, for={targets})"


Bundle = DealBundle | ResponseBundle | JustificationBundle


@dataclass(frozen=True)
class DistKeyShare:
    """A node's part of the distributed key (kyber ``DistKeyShare``): the public polynomial and its share."""

    commits: PubPoly
    share: PriShare

    def public(self) -> Point:
        """The group's public key: the constant commitment ``A_0``."""
        return self.commits.commit()

    def __repr__(self) -> str:
        return f"DistKeyShare(index={self.share.index}, public={self.public()!r}, share=<hidden>)"


@dataclass(frozen=True)
class Result:
    """What a DKG leaves a node with (kyber ``Result``): the qualified nodes and its key share."""

    qual: tuple[DKGNode, ...]
    key: DistKeyShare

    def public_equal(self, other: Result) -> bool:
        """Same commitments and same QUAL (kyber ``Result.PublicEqual``): the nodes agree."""
        return self.key.commits == other.key.commits and self.qual == other.qual

    def __repr__(self) -> str:
        return f"Result(qual={[n.index for n in self.qual]}, key={self.key!r})"
