"""What drand nodes say to each other, as plain values that any transport can carry.

Modelled on drand's protobuf definitions, the ``Protocol`` service
[`SyncChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/protobuf/drand/protocol.proto#L14-L23)
belongs to (``PartialBeacon``, and ``SyncChain`` answering one request with a stream) and its
messages: a node sends its
partial signature of a round to every other node (``PartialBeaconPacket``), and a node that is
behind asks a peer for the rounds it misses (``SyncRequest``) and receives them one by one
(``BeaconPacket``) on a stream that keeps following new beacons until one side ends it
(``SyncStreamEnd``, our stand-in for the end of a gRPC stream).
During a DKG, nodes exchange ``DKGPacket``s (drand's ``GossipPacket`` of
``protobuf/dkg/dkg_control.proto``): the leader's proposal, acceptances, the order to execute,
and the deal, response and justification bundles; :mod:`.dkg_packets` encodes their bodies.
``to_bytes``/``from_bytes`` give a JSON encoding (hex for bytes), so the simulator and a real
socket transport carry exactly the same messages.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, fields
from typing import ClassVar

from ..errors import InvalidInput, parse_json
from ..hexbytes import from_hex


@dataclass(frozen=True)
class PartialBeaconPacket:
    """``PartialBeaconPacket``: node's partial signature (index-prefixed, kyber tbls) of one round."""

    kind: ClassVar[str] = "partial"
    round: int
    previous_signature: bytes
    partial_sig: bytes
    beacon_id: str = "default"


@dataclass(frozen=True)
class BeaconPacket:
    """``BeaconPacket``: a whole beacon, sent while syncing."""

    kind: ClassVar[str] = "beacon"
    round: int
    signature: bytes
    previous_signature: bytes = b""
    beacon_id: str = "default"


@dataclass(frozen=True)
class SyncRequest:
    """``SyncRequest``: "send me every round from ``from_round`` on"."""

    kind: ClassVar[str] = "sync"
    from_round: int
    beacon_id: str = "default"


@dataclass(frozen=True)
class SyncStreamEnd:
    """The end of a sync stream — not a protobuf message: what gRPC tells the other side when a
    ``SyncChain`` stream closes. ``by_server``: the server ended it (it cannot serve ``from_round``,
    or it stopped); otherwise the client cancelled it (it has what it wanted, or gave up on this peer)."""

    kind: ClassVar[str] = "sync_end"
    by_server: bool
    reason: str = ""
    beacon_id: str = "default"


@dataclass(frozen=True)
class DKGPacket:
    """drand's ``GossipPacket``: one step of a DKG, from the node listening on ``sender``.

    ``packet`` says which step (``proposal``, ``accept``, ``reject``, ``execute``, ``abort``,
    ``deal``, ``response``, ``justification``); ``body`` is its content as JSON values.
    ``sender`` and ``signature`` are drand's ``GossipMetadata`` (``Address``, ``Signature``): the
    sender's signature of the packet (:func:`drand_edu.net.dkg_packets.message_for_signing`).
    """

    kind: ClassVar[str] = "dkg"
    sender: str
    packet: str
    body: dict
    beacon_id: str = "default"
    signature: bytes = b""


Message = PartialBeaconPacket | BeaconPacket | SyncRequest | SyncStreamEnd | DKGPacket
_KINDS: dict[str, type] = {
    cls.kind: cls for cls in (PartialBeaconPacket, BeaconPacket, SyncRequest, SyncStreamEnd, DKGPacket)
}


def to_bytes(message: Message) -> bytes:
    """``{"kind": ..., field: value...}`` as JSON, bytes fields in hex."""
    body = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in asdict(message).items()}
    return json.dumps({"kind": message.kind, **body}, sort_keys=True).encode()


def from_bytes(data: bytes) -> Message:
    """Parse :func:`to_bytes` output; :class:`InvalidInput` for anything else."""
    body = parse_json(data, what="a node message")
    try:
        cls = _KINDS[body.pop("kind")]
    except (KeyError, TypeError, AttributeError):
        raise InvalidInput("not a drand-edu node message") from None
    values = {}
    for spec in fields(cls):
        if spec.name not in body:
            if spec.default is not MISSING:
                continue
            raise InvalidInput(f"{cls.__name__} without {spec.name!r}")
        value = body[spec.name]
        if spec.type == "dict" and not isinstance(value, dict):
            raise InvalidInput(f"{cls.__name__}.{spec.name} must be a JSON object")
        values[spec.name] = from_hex(value, what=spec.name) if spec.type == "bytes" else value
    return cls(**values)


def round_of(message: Message) -> int:
    """The round a message is about (for traces and plots)."""
    if isinstance(message, DKGPacket | SyncStreamEnd):
        return 0
    return message.from_round if isinstance(message, SyncRequest) else message.round
