"""Chain stores: the interface, its backends (memory, SQLite, trimmed SQLite), checks and repair."""

from .base import ChainStore
from .check import BeaconSource, StoreSource, check_store, repair
from .memory import MemoryStore
from .sqlite import SQLiteStore

__all__ = ["BeaconSource", "ChainStore", "MemoryStore", "SQLiteStore", "StoreSource", "check_store", "repair"]
