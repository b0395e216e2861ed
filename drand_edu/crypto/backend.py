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


_FACTORIES = {
    "py_ecc": ("drand_edu.crypto.py_ecc_backend", "PyEccBackend"),
    "arkworks": ("drand_edu.crypto.arkworks_backend", "ArkworksBackend"),
}
#: Fastest first: the default backend is the first one that imports.
_PREFERENCE = ("arkworks", "py_ecc")
_instances: dict[str, Backend] = {}
_current: Backend | None = None


def available_backends() -> list[str]:
    """Names of the backends that are installed, fastest first."""
    names = []
    for name in _PREFERENCE:
        try:
            get_backend(name)
        except BackendUnavailable:
            continue
        names.append(name)
    return names


def get_backend(name: str) -> Backend:
    """The (cached) backend instance called ``name``; raise :class:`BackendUnavailable` if not installed."""
    if name not in _FACTORIES:
        raise BackendUnavailable(f"unknown backend {name!r}; choose one of {sorted(_FACTORIES)}")
    if name not in _instances:
        module_name, class_name = _FACTORIES[name]
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
        names = available_backends()
        if not names:
            raise BackendUnavailable("no BLS12-381 backend installed: pip install py_ecc")
        _current = get_backend(names[0])
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


