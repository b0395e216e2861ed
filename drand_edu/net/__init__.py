"""Node-to-node messages and a deterministic network simulator on a virtual clock."""

from .messages import BeaconPacket, PartialBeaconPacket, SyncRequest, from_bytes, to_bytes
from .sim import Link, Simulator, TraceEntry

__all__ = [
    "BeaconPacket",
    "Link",
    "PartialBeaconPacket",
    "Simulator",
    "SyncRequest",
    "TraceEntry",
    "from_bytes",
    "to_bytes",
]
