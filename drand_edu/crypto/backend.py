"""The crypto backend interface and the switch between implementations.

drand_edu does all curve arithmetic through one small interface, :class:`Backend`, with two
implementations that give byte-identical results:

* ``"py_ecc"``: pure Python (the `py_ecc` package). Slow, but a learner can step into every line.
* ``"arkworks"``: Rust's arkworks via `py-arkworks-bls12381`, a few hundred times faster.

This mirrors the switch in the Ethereum consensus specs (``eth2spec/utils/bls.py``): the same
function names, a readable and a fast implementation underneath. Points handed to a backend are its
own native objects ("raw" points); :mod:`drand_edu.crypto.groups` wraps them for users.
"""

from __future__ import annotations

import contextlib
import importlib.util
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from ..errors import BackendUnavailable

RawPoint = Any
RawGT = Any


class Backend(ABC):
    """Everything drand_edu needs from a BLS12-381 implementation. ``group`` is ``"G1"`` or ``"G2"``."""

    name: str

    @abstractmethod
    def generator(self, group: str) -> RawPoint: ...

    @abstractmethod
    def identity(self, group: str) -> RawPoint: ...

    @abstractmethod
    def add(self, group: str, a: RawPoint, b: RawPoint) -> RawPoint: ...

    @abstractmethod
    def neg(self, group: str, a: RawPoint) -> RawPoint: ...

    @abstractmethod
    def mul(self, group: str, a: RawPoint, scalar: int) -> RawPoint:
        """``scalar · a``; ``scalar`` is already reduced into ``[0, r)``."""

    @abstractmethod
    def eq(self, group: str, a: RawPoint, b: RawPoint) -> bool: ...

    @abstractmethod
    def compress(self, group: str, a: RawPoint) -> bytes: ...

    @abstractmethod
    def decompress(self, group: str, data: bytes) -> RawPoint:
        """Decode with full validation (flags, on curve, in subgroup); raise ``InvalidPoint``."""

    @abstractmethod
    def hash_to_curve(self, group: str, message: bytes, dst: bytes) -> RawPoint:
        """RFC 9380 hash-to-curve, suite ``BLS12381G{1,2}_XMD:SHA-256_SSWU_RO_`` with the given DST."""

    @abstractmethod
    def msm(self, group: str, points: Sequence[RawPoint], scalars: Sequence[int]) -> RawPoint:
        """Multi-scalar multiplication ``Σ scalars[i] · points[i]``."""

    @abstractmethod
    def pairing_check(self, pairs: Sequence[tuple[RawPoint, RawPoint]]) -> bool:
        """True when ``Π e(P_i, Q_i) == 1`` for pairs ``(P_i ∈ G1, Q_i ∈ G2)``."""

    @abstractmethod
    def pairing(self, p: RawPoint, q: RawPoint) -> RawGT:
        """The standard optimal-ate pairing ``e(P, Q)``, ``P ∈ G1``, ``Q ∈ G2``."""

    @abstractmethod
    def gt_mul(self, a: RawGT, b: RawGT) -> RawGT: ...

    @abstractmethod
    def gt_eq(self, a: RawGT, b: RawGT) -> bool: ...

    @abstractmethod
    def gt_to_bytes(self, a: RawGT) -> bytes:
        """576 bytes in kyber's (kilic) order: the one tlock hashes."""


#: name -> (module, class, the packages it needs). Nothing is imported until a backend is used.
_FACTORIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "py_ecc": ("drand_edu.crypto.py_ecc_backend", "PyEccBackend", ("py_ecc",)),
    "arkworks": ("drand_edu.crypto.arkworks_backend", "ArkworksBackend", ("py_arkworks_bls12381",)),
}
#: Fastest first: the default backend is the first installed one that imports.
_PREFERENCE = ("arkworks", "py_ecc")
_instances: dict[str, Backend] = {}
_current: Backend | None = None


def _installed(name: str) -> bool:
    """True when the packages backend ``name`` needs are installed; finds them without importing them
    (importing py_ecc alone takes most of a second, and a command only needs the backend it uses)."""
    return all(importlib.util.find_spec(package) is not None for package in _FACTORIES[name][2])


def available_backends() -> list[str]:
    """Names of the backends that are installed, fastest first (none of them is imported)."""
    return [name for name in _PREFERENCE if _installed(name)]


def get_backend(name: str) -> Backend:
    """The (cached) backend instance called ``name``; raise :class:`BackendUnavailable` if not installed."""
    if name not in _FACTORIES:
        raise BackendUnavailable(f"unknown backend {name!r}; choose one of {sorted(_FACTORIES)}")
    if name not in _instances:
        module_name, class_name, _ = _FACTORIES[name]
        try:
            module = __import__(module_name, fromlist=[class_name])
        except ImportError as exc:
            raise BackendUnavailable(f"backend {name!r} is not installed ({exc})") from None
        _instances[name] = getattr(module, class_name)()
    return _instances[name]


def current_backend() -> Backend:
    """The backend in use: the one last chosen with :func:`use_backend`, else the fastest installed."""
    global _current
    if _current is None:
        for name in available_backends():
            try:
                _current = get_backend(name)
            except BackendUnavailable:  # installed but broken: try the next one
                continue
            break
        else:
            raise BackendUnavailable("no BLS12-381 backend installed: pip install py_ecc")
    return _current


class use_backend(contextlib.AbstractContextManager):  # noqa: N801 - reads as a function call
    """Select the backend by name, for good or (as a context manager) for a ``with`` block.

    >>> use_backend("py_ecc")            # from now on
    >>> with use_backend("arkworks"):    # only inside the block
    ...     ...
    """

    def __init__(self, name: str) -> None:
        global _current
        new = get_backend(name)
        self._previous = _current
        _current = new
        self.backend = new

    def __exit__(self, *exc_info: object) -> None:
        global _current
        _current = self._previous


