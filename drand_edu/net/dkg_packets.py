"""The bodies of :class:`~drand_edu.net.messages.DKGPacket`: DKG bundles and proposals as JSON values.

drand sends these as protobuf (``protobuf/dkg/dkg_control.proto``: ``ProposalTerms``,
``DealBundle``, ``ResponseBundle``, ``JustificationBundle``); here each field becomes a JSON value
with bytes in hex. The bundles keep their Schnorr signatures, so a node can check who wrote a
bundle whatever carried it. A body that does not decode raises :class:`InvalidInput`.

Every packet is also signed by its sender as drand's ``internal/dkg/actions_signing.go`` does
(:func:`message_for_signing`, :func:`sign_packet`, :func:`verify_packet`): a BLS signature with the
scheme's ``AuthScheme`` over the packet and the proposal terms it belongs to, checked against the
sender's key *from the proposal's participants*. drand checks it on the lifecycle packets
(proposal, accept, reject, execute, abort); a bundle is checked by its own Schnorr signature,
against the key its dealer or holder index names (kyber ``VerifyPacketSignature``).

``tests/test_ref_dkg_packets.py`` compares :func:`message_for_signing` with drand's own compiled
``messageForSigning`` (unexported, reached with ``go:linkname``) for every packet kind, the packet
signatures byte for byte in every scheme (BLS is deterministic), and has kyber's
``VerifyPacketSignature`` accept our deal, response and justification bundles. Only the participant
lookup of ``verifyMessage`` (a method of a running daemon's ``Process``) is compared by reading.

drand's
[`signMessage`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_signing.go#L18-L37),
[`verifyMessage`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_signing.go#L39-L85)
and
[`messageForSigning`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_signing.go#L87-L156):
:func:`sign_packet`,
:func:`verify_packet`, :func:`message_for_signing`; :func:`verify_bundle_packet` is ours (a bundle
that arrives before our execution is kept only when a participant signed it).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from ..crypto import bls
from ..crypto.schemes import Scheme
from ..errors import DKGError, InvalidInput
from ..hexbytes import from_hex
from ..threshold.dkg.messages import (
    Bundle,
    Deal,
    DealBundle,
    Justification,
    JustificationBundle,
    Response,
    ResponseBundle,
)
from ..threshold.lifecycle import Participant, ProposalTerms
from .messages import DKGPacket

BUNDLE_PACKETS = ("deal", "response", "justification")


def bundle_to_json(bundle: Bundle) -> dict[str, Any]:
    """A deal, response or justification bundle as JSON values (its packet name is ``bundle.kind``)."""
    common = {"session_id": bundle.session_id.hex(), "signature": bundle.signature.hex()}
    if isinstance(bundle, DealBundle):
        deals = [
            {"share_index": d.share_index, "encrypted_share": d.encrypted_share.hex()} for d in bundle.deals
        ]
        return {"dealer_index": bundle.dealer_index, "deals": deals,
                "public": [c.hex() for c in bundle.public], **common}  # fmt: skip
    if isinstance(bundle, ResponseBundle):
        responses = [{"dealer_index": r.dealer_index, "status": r.status} for r in bundle.responses]
        return {"share_index": bundle.share_index, "responses": responses, **common}
    justifications = [
        {"share_index": j.share_index, "share": f"{j.share:064x}"} for j in bundle.justifications
    ]
    return {"dealer_index": bundle.dealer_index, "justifications": justifications, **common}


def bundle_from_json(packet: str, body: dict[str, Any]) -> Bundle:
    """Parse :func:`bundle_to_json` output for packet ``deal``, ``response`` or ``justification``."""
    try:
        session_id = from_hex(body["session_id"], what="session id")
        signature = from_hex(body["signature"], what="signature")
        if packet == "deal":
            deals = tuple(
                Deal(_uint(d["share_index"]), from_hex(d["encrypted_share"], what="encrypted share"))
                for d in body["deals"]
            )
            public = tuple(from_hex(c, what="commitment") for c in body["public"])
            return DealBundle(_uint(body["dealer_index"]), deals, public, session_id, signature)
        if packet == "response":
            responses = tuple(
                Response(_uint(r["dealer_index"]), bool(r["status"])) for r in body["responses"]
            )
            return ResponseBundle(_uint(body["share_index"]), responses, session_id, signature)
        if packet == "justification":
            justifications = tuple(
                Justification(_uint(j["share_index"]), int(j["share"], 16)) for j in body["justifications"]
            )
            return JustificationBundle(_uint(body["dealer_index"]), justifications, session_id, signature)
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"malformed {packet} bundle: {error}") from None
    raise InvalidInput(f"not a bundle packet: {packet!r}")


def terms_to_json(terms: ProposalTerms) -> dict[str, Any]:
    """A leader's proposal as JSON values."""
    return {
        "beacon_id": terms.beacon_id, "epoch": terms.epoch, "leader": terms.leader,
        "threshold": terms.threshold, "timeout": terms.timeout, "joining": list(terms.joining),
        "remaining": list(terms.remaining), "leaving": list(terms.leaving), "scheme_id": terms.scheme_id,
        "genesis_time": terms.genesis_time, "genesis_seed": terms.genesis_seed.hex(),
        "beacon_period": terms.beacon_period, "catchup_period": terms.catchup_period,
        "transition_time": terms.transition_time,
        "identities": [{"address": p.address, "key": p.key.hex(), "signature": p.signature.hex()}
                       for p in terms.identities],
    }  # fmt: skip


def terms_from_json(body: dict[str, Any]) -> ProposalTerms:
    """Parse :func:`terms_to_json` output."""
    try:
        return ProposalTerms(
            beacon_id=str(body["beacon_id"]),
            epoch=_uint(body["epoch"]),
            leader=str(body["leader"]),
            threshold=_uint(body["threshold"]),
            timeout=float(body["timeout"]),
            joining=tuple(str(a) for a in body["joining"]),
            remaining=tuple(str(a) for a in body["remaining"]),
            leaving=tuple(str(a) for a in body["leaving"]),
            scheme_id=str(body["scheme_id"]),
            genesis_time=int(body["genesis_time"]),
            genesis_seed=from_hex(body["genesis_seed"], what="genesis seed"),
            beacon_period=_uint(body["beacon_period"]),
            catchup_period=_uint(body["catchup_period"]),
            transition_time=int(body.get("transition_time", 0)),
            identities=tuple(
                Participant(
                    str(p["address"]),
                    from_hex(p["key"], what="participant key"),
                    from_hex(p["signature"], what="participant signature"),
                )
                for p in body.get("identities", ())
            ),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"malformed proposal: {error}") from None


def _uint(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a non-negative integer, got {value!r}")
    return value


# -- packet signatures (drand internal/dkg/actions_signing.go) -------------------------------------
#: seconds from 0001-01-01 to 1970-01-01: Go's ``unixToInternal``
_GO_UNIX_TO_INTERNAL = 62_135_596_800
LIFECYCLE_PACKETS = ("proposal", "accept", "reject", "execute", "abort")


def go_time_binary(unix_seconds: float) -> bytes:
    """Go's ``time.Time.MarshalBinary`` of a UTC time (what ``timestamppb.AsTime`` returns).

    15 bytes: version 1, seconds since 0001-01-01 (int64 big-endian), nanoseconds (int32
    big-endian), zone offset in minutes (int16, −1 meaning UTC).
    """
    seconds = math.floor(unix_seconds)
    nanos = round((unix_seconds - seconds) * 1_000_000_000)
    if nanos >= 1_000_000_000:
        seconds, nanos = seconds + 1, nanos - 1_000_000_000
    return (
        b"\x01"
        + (seconds + _GO_UNIX_TO_INTERNAL).to_bytes(8, "big", signed=True)
        + nanos.to_bytes(4, "big")
        + (-1).to_bytes(2, "big", signed=True)
    )


def _u32le(value: int) -> bytes:
    return int(value).to_bytes(4, "little")


def _leader_part(terms: ProposalTerms) -> bytes:
    leader = terms.identity(terms.leader)
    signature = leader.signature if leader is not None else b""
    return (
        terms.beacon_id.encode() + b"\n" + _u32le(terms.epoch) + b"\nLeader:" + terms.leader.encode() + b"\n"
        + signature
    )  # fmt: skip


def message_for_signing(beacon_id: str, packet: str, body: dict[str, Any], terms: ProposalTerms) -> bytes:
    """drand's ``messageForSigning``: the bytes a DKG packet's sender signs.

    ``"beaconID:<id>\\n"``, then what the packet says (``Proposal:`` + the proposal's beacon id,
    epoch as uint32 little-endian and leader; ``Accepted:<acceptor>\\n``; ``Rejected:<rejector>\\n``;
    ``Aborted:<reason>\\n``; ``Execute:`` + the execution time; ``Gossip packet`` for a bundle),
    then the proposal terms it belongs to, in the order of ``dkg_control.proto``: beacon id, epoch,
    leader and its signature, threshold, timeout, catch-up period and beacon period (uint32
    little-endian seconds), scheme, genesis time, and every joiner, remainer and leaver with its
    self-signature. Times are Go's ``MarshalBinary`` (:func:`go_time_binary`). The genesis seed and
    the transition time are not signed (drand leaves them out too).
    """
    out = bytearray(b"beaconID:" + beacon_id.encode() + b"\n")
    if packet == "proposal":
        out += b"Proposal:" + _leader_part(terms)
    elif packet == "accept":
        out += b"Accepted:" + str(body["acceptor"]).encode() + b"\n"
    elif packet == "reject":
        out += b"Rejected:" + str(body["rejector"]).encode() + b"\n"
    elif packet == "abort":
        out += b"Aborted:" + str(body.get("reason", "")).encode() + b"\n"
    elif packet == "execute":
        out += b"Execute:" + go_time_binary(float(body["time"]))
    elif packet in BUNDLE_PACKETS:
        out += b"Gossip packet"
    else:
        # drand writes 16 random bytes so that the signature cannot verify
        raise InvalidInput(f"unknown DKG packet {packet!r}")
    out += b"Proposal:\n" + _leader_part(terms) + _u32le(terms.threshold) + go_time_binary(terms.timeout)
    out += _u32le(terms.catchup_period) + _u32le(terms.beacon_period)
    out += b"\nScheme: " + terms.scheme_id.encode() + b"\n" + go_time_binary(terms.genesis_time)
    groups = ((b"Joiner", terms.joining), (b"Remainer", terms.remaining), (b"Leaver", terms.leaving))
    for label, addresses in groups:
        for address in addresses:
            participant = terms.identity(address)
            signature = participant.signature if participant is not None else b""
            out += b"\n" + label + b":" + address.encode() + b"\nSig:" + signature
    return bytes(out)


def sign_packet(scheme: Scheme, secret: int, packet: DKGPacket, terms: ProposalTerms) -> DKGPacket:
    """drand's ``signMessage``: ``packet`` with its sender's ``AuthScheme`` (BLS) signature."""
    message = message_for_signing(packet.beacon_id, packet.packet, packet.body, terms)
    return replace(packet, signature=bls.sign(scheme, secret, message))


def verify_packet(scheme: Scheme, packet: DKGPacket, terms: ProposalTerms) -> None:
    """drand's ``verifyMessage``: raise :class:`DKGError` unless the packet is signed by its sender.

    The key comes from the proposal's *remaining and joining* participants (never from the packet
    itself): the self-declared ``sender`` only says which of them to look up, and a sender that
    is none of them is refused (``no such participant``).
    """
    _verify_signed_by(scheme, packet, terms, (*terms.remaining, *terms.joining))


def verify_bundle_packet(scheme: Scheme, packet: DKGPacket, terms: ProposalTerms) -> None:
    """A deal, response or justification packet that arrives *before* our execution started: raise
    :class:`DKGError` unless it is signed (:func:`sign_packet`) by a participant of ``terms`` —
    leavers included, for they deal their old share in a resharing.

    Beyond drand, which refuses such a packet outright (its
    [`BroadcastDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L159-L177)
    answers "there may not be a DKG in progress" while no execution runs) and checks a bundle only by
    its kyber signature once it does. We keep an early bundle for the execution to come (a fast
    node's deal must not be lost), so it must first prove that a participant sent it: otherwise any
    stranger could make a node keep what it likes (issue 23: 200 unsigned 3.9 MB deals grew a node by
    380 MB).
    """
    _verify_signed_by(scheme, packet, terms, (*terms.remaining, *terms.joining, *terms.leaving))


def _verify_signed_by(scheme: Scheme, packet: DKGPacket, terms: ProposalTerms, senders: tuple) -> None:
    participant = terms.identity(packet.sender) if packet.sender in senders else None
    sender = packet.sender[:80]
    if participant is None:
        raise DKGError(f"invalid packet signature from {sender}: no such participant")
    message = message_for_signing(packet.beacon_id, packet.packet, packet.body, terms)
    if not bls.verify(scheme, participant.key, message, packet.signature):
        raise DKGError(f"invalid packet signature from {sender}: the {packet.packet} does not verify")
