"""The chain layer: beacons, chain info and its hash, rounds and time, verification."""

from .batch import verify_batch
from .beacon import Beacon, randomness_from_signature
from .info import DEFAULT_BEACON_ID, ChainInfo
from .time import current_round, next_round, time_of_round
from .verify import Problem, is_valid_beacon, verify_beacon, verify_chain, verify_chain_or_raise

__all__ = [
    "DEFAULT_BEACON_ID",
    "Beacon",
    "ChainInfo",
    "Problem",
    "current_round",
    "is_valid_beacon",
    "next_round",
    "randomness_from_signature",
    "time_of_round",
    "verify_batch",
    "verify_beacon",
    "verify_chain",
    "verify_chain_or_raise",
]
