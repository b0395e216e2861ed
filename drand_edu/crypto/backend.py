"""The crypto backend interface and the switch between implementations.

drand_edu does all curve arithmetic through one small interface, :class:`Backend`, with three
implementations that give byte-identical results:

* ``"py_ecc"``: pure Python (the `py_ecc` package). Slow, but a learner can step into every line.
* ``"arkworks"``: Rust's arkworks via `py-arkworks-bls12381`, a few hundred times faster.
* ``"blst"``: supranational's blst via `pyblst`, faster again (the default when installed; it
  borrows arkworks for the GT operations its bindings lack).

This mirrors the switch in the Ethereum consensus specs (``eth2spec/utils/bls.py``): the same
function names, a readable and a fast implementation underneath. Points handed to a backend are its
own native objects ("raw" points); :mod:`drand_edu.crypto.groups` wraps them for users.

Two curves: BLS12-381 (four of drand's schemes) and BN254 (``bls-bn254-unchained-on-g1``, evmnet).
One backend *name* may serve several curves with one implementation object per curve (``"py_ecc"``
serves both; ``"arkworks"`` only BLS12-381). The current backend for a curve is the last one chosen
with :func:`use_backend` that supports that curve, else the fastest installed for that curve.
"""

from __future__ import annotations

import contextlib
import importlib.util
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from ..errors import BackendUnavailable
from .constants import BLS12_381, BN254
from .encoding import parse_compressed

RawPoint = Any
RawGT = Any


class Backend(ABC):
    """Everything drand_edu needs from one curve's implementation. ``group`` is ``"G1"`` or ``"G2"``."""

    name: str
    #: The curve this object computes on (``"bls12-381"`` or ``"bn254"``).
    curve: str = BLS12_381

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
    def compress(self, group: str, a: RawPoint) -> bytes:
        """The point's bytes as drand stores them (compressed on BLS12-381, x ‖ y on BN254)."""

    @abstractmethod
    def decompress(self, group: str, data: bytes) -> RawPoint:
        """Decode with full validation (flags, on curve, in subgroup); raise ``InvalidPoint``."""

    @abstractmethod
    def hash_to_curve(self, group: str, message: bytes, dst: bytes) -> RawPoint:
        """RFC 9380 hash-to-curve with the given DST: ``BLS12381G{1,2}_XMD:SHA-256_SSWU_RO_`` on
        BLS12-381, ``BN254G1_XMD:KECCAK-256_SVDW_RO_`` on BN254."""

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
        """kyber's bytes for GT, the ones tlock hashes: 576 on BLS12-381 (kilic's order), 384 on
        BN254 (kyber's ``pairing/bn254`` tower order)."""


class OperatorBackend(Backend):
    """For bindings whose point objects already add, negate and compare with ``+``, ``-`` and ``==``,
    and that decode points once :func:`~drand_edu.crypto.encoding.parse_compressed` has checked the
    flags (so every backend refuses the same encodings with the same words)."""

    def decompress(self, group: str, data: bytes) -> RawPoint:
        if parse_compressed(group, data).infinity:
            return self.identity(group)
        return self.decompress_finite(group, bytes(data))

    @abstractmethod
    def decompress_finite(self, group: str, data: bytes) -> RawPoint:
        """Decode a point that is not the point at infinity (flags checked): curve and subgroup."""

    def add(self, group: str, a: RawPoint, b: RawPoint) -> RawPoint:
        return a + b

    def neg(self, group: str, a: RawPoint) -> RawPoint:
        return -a

    def eq(self, group: str, a: RawPoint, b: RawPoint) -> bool:
        return a == b


#: name -> curve -> (module, class, the packages it needs): the curves a backend supports are the
#: keys of its entry. Nothing is imported until a backend is used.
_FACTORIES: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {
    "py_ecc": {
        BLS12_381: ("drand_edu.crypto.py_ecc_backend", "PyEccBackend", ("py_ecc",)),
        BN254: ("drand_edu.crypto.bn254_py_ecc", "PyEccBN254Backend", ("py_ecc", "Crypto")),
    },
    "arkworks": {
        BLS12_381: ("drand_edu.crypto.arkworks_backend", "ArkworksBackend", ("py_arkworks_bls12381",)),
    },
    "blst": {
        BLS12_381: ("drand_edu.crypto.blst_backend", "BlstBackend", ("pyblst", "py_arkworks_bls12381")),
    },
}
#: Fastest first: a curve's default backend is the first installed one that supports it and imports.
_PREFERENCE = ("blst", "arkworks", "py_ecc")
_instances: dict[tuple[str, str], Backend] = {}
#: curve -> name of the backend chosen for it (by use_backend, or lazily the fastest installed).
#: Names, not instances: choosing "py_ecc" does not import its BN254 half until BN254 is used.
_current: dict[str, str] = {}


def backend_curves(name: str) -> tuple[str, ...]:
    """The curves the backend called ``name`` supports."""
    if name not in _FACTORIES:
        raise BackendUnavailable(f"unknown backend {name!r}; choose one of {sorted(_FACTORIES)}")
    return tuple(_FACTORIES[name])


def _installed(name: str, curve: str = BLS12_381) -> bool:
    """True when the packages backend ``name`` needs for ``curve`` are installed; finds them without
    importing them (importing py_ecc alone takes most of a second, and a command only needs the
    backend it uses)."""
    entry = _FACTORIES[name].get(curve)
    return entry is not None and all(importlib.util.find_spec(package) is not None for package in entry[2])


def available_backends(curve: str = BLS12_381) -> list[str]:
    """Names of the installed backends that support ``curve``, fastest first (none is imported)."""
    return [name for name in _PREFERENCE if _installed(name, curve)]


def get_backend(name: str, curve: str = BLS12_381) -> Backend:
    """The (cached) backend ``name`` for ``curve``; raise :class:`BackendUnavailable` if not installed."""
    backend = _instances.get((name, curve))
    if backend is not None:
        return backend
    if curve not in backend_curves(name):
        raise BackendUnavailable(f"backend {name!r} does not support {curve}")
    if (name, curve) not in _instances:
        module_name, class_name, _ = _FACTORIES[name][curve]
        try:
            module = __import__(module_name, fromlist=[class_name])
        except ImportError as exc:
            raise BackendUnavailable(f"backend {name!r} is not installed ({exc})") from None
        _instances[name, curve] = getattr(module, class_name)()
    return _instances[name, curve]


def current_backend(curve: str = BLS12_381) -> Backend:
    """The backend in use for ``curve``: the last one chosen with :func:`use_backend` that supports
    it, else the fastest installed."""
    chosen = _current.get(curve)
    if chosen is None:
        for name in available_backends(curve):
            try:
                get_backend(name, curve)
            except BackendUnavailable:  # installed but broken: try the next one
                continue
            chosen = _current[curve] = name
            break
        else:
            raise BackendUnavailable(f"no {curve} backend installed: pip install py_ecc")
    return get_backend(chosen, curve)


class use_backend(contextlib.AbstractContextManager):  # noqa: N801 - reads as a function call
    """Select the backend by name, for good or (as a context manager) for a ``with`` block.

    It becomes the current backend of every curve it supports; the other curves keep theirs.

    >>> use_backend("py_ecc")            # from now on (BLS12-381 and BN254)
    >>> with use_backend("arkworks"):    # only inside the block (BLS12-381 only)
    ...     ...
    """

    def __init__(self, name: str) -> None:
        curves = backend_curves(name)
        self.backend = get_backend(name, curves[0])  # fails now if the backend is not installed
        self._previous = dict(_current)
        _current.update(dict.fromkeys(curves, name))

    def __exit__(self, *exc_info: object) -> None:
        _current.clear()
        _current.update(self._previous)


