"""The chain layer: beacons, chain info and its hash, rounds and time, verification."""

from .beacon import Beacon, randomness_from_signature
from .info import DEFAULT_BEACON_ID, ChainInfo
from .time import current_round, next_round, time_of_round

__all__ = [
    "DEFAULT_BEACON_ID",
    "Beacon",
    "ChainInfo",
    "current_round",
    "next_round",
    "randomness_from_signature",
    "time_of_round",
]
