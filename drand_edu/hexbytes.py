"""Hex at the edges: parse and print the hex strings drand's JSON uses, with clear errors."""

from __future__ import annotations

from .errors import InvalidInput


def from_hex(text: str, *, what: str = "value", length: int | None = None) -> bytes:
    """Decode a hex string (an optional ``0x`` prefix is allowed) into bytes.

    Raises :class:`InvalidInput` naming ``what`` when the text is not hex or has the wrong length.
    """
    if not isinstance(text, str):
        raise InvalidInput(f"{what}: expected a hex string, got {type(text).__name__}")
    cleaned = text.strip()
    if cleaned.startswith(("0x", "0X")):
        cleaned = cleaned[2:]
    try:
        data = bytes.fromhex(cleaned)
    except ValueError:
        raise InvalidInput(f"{what}: not valid hex: {text[:20]!r}...") from None
    if length is not None and len(data) != length:
        raise InvalidInput(f"{what}: expected {length} bytes, got {len(data)}")
    return data


def short_hex(data: bytes, keep: int = 4) -> str:
    """``'8990e7a9…2e51b2ce'``: enough of a long value to recognise it in a repr or a plot."""
    h = data.hex()
    return h if len(h) <= 4 * keep else f"{h[: 2 * keep]}…{h[-2 * keep :]}"
