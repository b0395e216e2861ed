"""The age v1 file format (age-encryption.org/v1), the envelope tlock puts its IBE ciphertext in.

age encrypts the data with a random 16-byte *file key* and stores that key, wrapped for each
recipient, in header *stanzas*. tlock is one recipient type: its stanza is ::

    -> tlock <round> <chain hash hex>
    <base64 (no padding) of U‖V‖W, lines of 64 characters, the last one shorter>

The header ends with ``--- <base64 HMAC-SHA256>``, the MAC keyed by ``HKDF(file key, info="header")``
over everything up to and including ``---``. The payload follows: a 16-byte nonce, then the data in
64 KiB chunks sealed with ChaCha20-Poly1305 under ``HKDF(file key, salt=nonce, info="payload")``
(the STREAM construction: 11-byte big-endian chunk counter, then 0x01 for the last chunk, 0x00 otherwise).
The ASCII armor wraps the whole binary file in PEM-like lines.

Spec: https://age-encryption.org/v1 ; tlock's use of it: drand/tlock ``tlock_age.go``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import InvalidCiphertext
from ..rng import Rng, random_bytes

VERSION_LINE = b"age-encryption.org/v1"
ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = "-----END AGE ENCRYPTED FILE-----"
FILE_KEY_SIZE = 16
CHUNK_SIZE = 64 * 1024
_TAG_SIZE = 16
_COLUMNS = 64
#: recipient stanzas a header may have (tlock writes one; age files rarely have more than a few)
MAX_STANZAS = 64
#: lines of one stanza body (a tlock body is 3 lines; a 64-line body is 3 KB)
MAX_BODY_LINES = 64


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: a type, its arguments, and a binary body."""

    type: str
    args: tuple[str, ...]
    body: bytes

    def encode(self) -> bytes:
        line = " ".join(("->", self.type, *self.args)).encode()
        text = _b64_nopad(self.body)
        lines = [text[i : i + _COLUMNS] for i in range(0, len(text), _COLUMNS)]
        if not lines or len(lines[-1]) == _COLUMNS:
            lines.append("")  # the body always ends with a line shorter than 64 characters
        return line + b"\n" + "".join(chunk + "\n" for chunk in lines).encode()


def _b64_nopad(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _b64_decode_nopad(text: str, what: str) -> bytes:
    """Canonical unpadded base64 only, like Go's ``base64.RawStdEncoding.Strict()`` that age uses: no
    padding, no line breaks, and the unused low bits of the last character must be zero (so that one
    byte string has exactly one encoding, and a MAC line cannot be altered without changing its bytes)."""
    if "=" in text or "\r" in text or "\n" in text:
        raise InvalidCiphertext(f"age {what}: base64 must be unpadded, on one line")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidCiphertext(f"age {what}: not valid base64") from None
    if _b64_nopad(data) != text:
        raise InvalidCiphertext(f"age {what}: non-canonical base64 (stray low bits in the last character)")
    return data


def _hkdf(file_key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt or None, info=info).derive(file_key)


def header_mac(file_key: bytes, header_up_to_dashes: bytes) -> bytes:
    """HMAC-SHA256 of the header (up to and including ``---``), keyed by ``HKDF(file key, "header")``."""
    key = _hkdf(file_key, b"", b"header")
    return hmac.new(key, header_up_to_dashes, hashlib.sha256).digest()


def _stream_nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def seal_payload(file_key: bytes, plaintext: bytes, rng: Rng | None = None) -> bytes:
    """Nonce ‖ STREAM-encrypted chunks."""
    nonce = random_bytes(16, rng)
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    chunks = [plaintext[i : i + CHUNK_SIZE] for i in range(0, len(plaintext), CHUNK_SIZE)] or [b""]
    out = bytearray(nonce)
    for counter, chunk in enumerate(chunks):
        out += aead.encrypt(_stream_nonce(counter, counter == len(chunks) - 1), chunk, None)
    return bytes(out)


def open_payload(file_key: bytes, payload: bytes) -> bytes:
    """Inverse of :func:`seal_payload`; any tampering or truncation raises :class:`InvalidCiphertext`."""
    if len(payload) < 16 + _TAG_SIZE:
        raise InvalidCiphertext("age payload is truncated")
    aead = ChaCha20Poly1305(_hkdf(file_key, payload[:16], b"payload"))
    body = payload[16:]
    sealed_size = CHUNK_SIZE + _TAG_SIZE
    pieces = [body[i : i + sealed_size] for i in range(0, len(body), sealed_size)]
    out = bytearray()
    for counter, piece in enumerate(pieces):
        last = counter == len(pieces) - 1
        try:
            out += aead.decrypt(_stream_nonce(counter, last), piece, None)
        except InvalidTag:
            raise InvalidCiphertext(
                f"age payload chunk {counter} failed authentication (tampered or truncated)"
            ) from None
        if last and counter > 0 and len(piece) == _TAG_SIZE:
            raise InvalidCiphertext("age payload: an empty last chunk is only allowed for an empty file")
    return bytes(out)


def encrypt_file(stanzas: list[Stanza], file_key: bytes, plaintext: bytes, rng: Rng | None = None) -> bytes:
    """A complete binary age file for the given (already wrapped) recipient stanzas."""
    header = VERSION_LINE + b"\n" + b"".join(s.encode() for s in stanzas) + b"---"
    mac = header_mac(file_key, header)
    return header + b" " + _b64_nopad(mac).encode() + b"\n" + seal_payload(file_key, plaintext, rng)


@dataclass(frozen=True)
class ParsedFile:
    """An age file split into its parts; the MAC is checked later, once the file key is known."""

    stanzas: tuple[Stanza, ...]
    header_up_to_dashes: bytes
    mac: bytes
    payload: bytes

    def open(self, file_key: bytes) -> bytes:
        """Check the header MAC with ``file_key``, then decrypt the payload."""
        if not hmac.compare_digest(header_mac(file_key, self.header_up_to_dashes), self.mac):
            raise InvalidCiphertext("age header MAC does not match (header tampered, or wrong file key)")
        return open_payload(file_key, self.payload)


def parse_file(data: bytes) -> ParsedFile:
    """Parse a binary age file (use :func:`dearmor` first for armored text)."""
    lines_end = 0

    def next_line() -> bytes:
        nonlocal lines_end
        end = data.find(b"\n", lines_end)
        if end < 0:
            raise InvalidCiphertext("age header is truncated")
        line = data[lines_end:end]
        lines_end = end + 1
        return line

    if next_line() != VERSION_LINE:
        raise InvalidCiphertext("not an age v1 file (missing 'age-encryption.org/v1')")
    stanzas: list[Stanza] = []
    while True:
        start = lines_end
        line = next_line()
        if line.startswith(b"---"):
            if not line.startswith(b"--- "):
                raise InvalidCiphertext("age header: malformed MAC line")
            mac = _b64_decode_nopad(line[4:].decode("ascii", "replace"), "header MAC")
            return ParsedFile(tuple(stanzas), data[: start + 3], mac, data[lines_end:])
        if not line.startswith(b"-> "):
            raise InvalidCiphertext("age header: expected a stanza ('-> ...') or the MAC line ('--- ...')")
        if len(stanzas) >= MAX_STANZAS:
            raise InvalidCiphertext(f"age header: more than {MAX_STANZAS} stanzas")
        parts = line[3:].decode("ascii", "replace").split(" ")
        if not parts or not parts[0]:
            raise InvalidCiphertext("age header: stanza without a type")
        body_lines: list[str] = []
        while True:
            body_line = next_line().decode("ascii", "replace")
            if len(body_line) > _COLUMNS:
                raise InvalidCiphertext("age header: stanza body line longer than 64 characters")
            body_lines.append(body_line)
            if len(body_line) < _COLUMNS:
                break
            if len(body_lines) >= MAX_BODY_LINES:
                raise InvalidCiphertext(f"age header: stanza body longer than {MAX_BODY_LINES} lines")
        body_text = "".join(body_lines)
        stanzas.append(Stanza(parts[0], tuple(parts[1:]), _b64_decode_nopad(body_text, "stanza body")))


def armor(data: bytes) -> str:
    """ASCII armor: padded base64 of the whole file, 64 columns, between BEGIN/END lines."""
    text = base64.b64encode(data).decode()
    body = "".join(text[i : i + _COLUMNS] + "\n" for i in range(0, len(text), _COLUMNS))
    return f"{ARMOR_BEGIN}\n{body}{ARMOR_END}\n"


def is_armored(data: bytes | str) -> bool:
    """True when ``data`` starts (after white space) with the armor's BEGIN line."""
    text = data if isinstance(data, str) else data[:100].decode("ascii", "replace")
    return text.lstrip().startswith(ARMOR_BEGIN)


def dearmor(text: bytes | str) -> bytes:
    """The binary age file inside an armored text."""
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    lines = text.strip().splitlines()
    if len(lines) < 2 or lines[0].strip() != ARMOR_BEGIN or lines[-1].strip() != ARMOR_END:
        raise InvalidCiphertext("armored age file must start and end with the BEGIN/END lines")
    try:
        return base64.b64decode("".join(line.strip() for line in lines[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidCiphertext("armored age file: body is not valid base64") from None
