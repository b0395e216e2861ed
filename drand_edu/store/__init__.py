"""Chain stores: the interface, drand's store stack over it, its backends (memdb ring, SQLite trimmed
by default), checks and repair."""

from .base import ChainStore
from .check import BeaconSource, StoreSource, check_past_beacons, check_store, correct_past_beacons, repair
from .memory import MEMDB_DEFAULT_SIZE, MEMDB_MIN_SIZE, MemoryStore
from .sqlite import SQLiteStore
from .stack import (
    AppendStore,
    BeaconAlreadyStored,
    CallbackStore,
    DiscrepancyStore,
    SchemeStore,
    genesis_beacon,
    new_chain_store,
)

__all__ = [
    "MEMDB_DEFAULT_SIZE",
    "MEMDB_MIN_SIZE",
    "AppendStore",
    "BeaconAlreadyStored",
    "BeaconSource",
    "CallbackStore",
    "ChainStore",
    "DiscrepancyStore",
    "MemoryStore",
    "SQLiteStore",
    "SchemeStore",
    "StoreSource",
    "check_past_beacons",
    "check_store",
    "correct_past_beacons",
    "genesis_beacon",
    "new_chain_store",
    "repair",
]
