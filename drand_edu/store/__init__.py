"""Chain stores: the interface and its backends."""

from .base import ChainStore
from .memory import MemoryStore

__all__ = ["ChainStore", "MemoryStore"]
