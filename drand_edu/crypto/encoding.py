"""The ZCash/IETF compressed point encoding, checked before any backend sees the bytes.

A compressed point is the x coordinate, big-endian (for G2: ``x.c1 ‖ x.c0``), with three flag
bits in the top of the first byte:

* bit 7 ``C`` (compressed): must be 1 - drand only ever uses compressed points;
* bit 6 ``I`` (infinity): the point at infinity, then every other bit must be 0;
* bit 5 ``S`` (sort): which of the two square roots is y (the "lexicographically larger" one).

Doing these checks here, in one place, means both backends reject exactly the same inputs with
the same error messages. What is left for a backend: solve for y (on-curve check) and check the
subgroup. drand decodes with kyber-bls12381, which hands the bytes to the ``kilic/bls12-381``
library's ``FromCompressed``:
[`UnmarshalBinary`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L124-L129)
(and ``kyber_g2.go`` for G2); the subgroup test is also exposed as
[`IsInCorrectGroup`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L170-L172).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidPoint
from .constants import FIELD_MODULUS, G1_SIZE, G2_SIZE

_FLAG_COMPRESSED = 0x80
_FLAG_INFINITY = 0x40
_FLAG_SORT = 0x20


@dataclass(frozen=True)
class CompressedHeader:
    """What the flag bits of a compressed point say."""

    infinity: bool
    sort_flag: bool
    x_coordinates: tuple[int, ...]  # (x,) for G1; (x.c1, x.c0) for G2


def expected_size(group: str) -> int:
    """48 bytes for G1, 96 bytes for G2."""
    return G1_SIZE if group == "G1" else G2_SIZE


def parse_compressed(group: str, data: bytes) -> CompressedHeader:
    """Check the length, the flags and that each coordinate is below p; raise :class:`InvalidPoint`."""
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidPoint(f"{group} point: expected bytes, got {type(data).__name__}")
    size = expected_size(group)
    if len(data) != size:
        raise InvalidPoint(f"{group} point: expected {size} bytes, got {len(data)}")
    flags = data[0]
    if not flags & _FLAG_COMPRESSED:
        raise InvalidPoint(
            f"{group} point: compression flag not set (uncompressed form is not used by drand)"
        )
    infinity = bool(flags & _FLAG_INFINITY)
    sort_flag = bool(flags & _FLAG_SORT)
    body = bytes([flags & 0x1F]) + bytes(data[1:])
    if infinity:
        if sort_flag or any(body):
            raise InvalidPoint(f"{group} point: non-canonical encoding of the point at infinity")
        return CompressedHeader(True, False, (0,) * (size // 48))
    coordinates = tuple(int.from_bytes(body[i : i + 48], "big") for i in range(0, size, 48))
    if any(c >= FIELD_MODULUS for c in coordinates):
        raise InvalidPoint(f"{group} point: x coordinate is not reduced modulo p (non-canonical)")
    return CompressedHeader(False, sort_flag, coordinates)
