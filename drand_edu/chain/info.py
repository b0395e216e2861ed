"""Chain info: everything a client needs to verify a chain, and the chain hash that names it.

The chain hash (drand ``common/chain/info.go``, ``Info.Hash``) is::

    sha256( period as uint32 BE ‖ genesis_time as int64 BE ‖ public key bytes ‖ genesis seed
            ‖ beacon id bytes — only when the id is not the default ("" or "default") )

The scheme is **not** hashed (drand's
[`Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/info.go#L45-L64)).

Two JSON forms exist and both parse:

* v1 — what drand's public HTTP API serves at ``/info``: the ``ChainInfoPacket`` protobuf as JSON
  (``public_key``, ``period``, ``genesis_time``, ``hash``, ``groupHash``, ``schemeID``,
  ``metadata.beaconID``), written by
  [`ToJSON`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/convert.go#L72-L76)
  through ``ToProto``, which fills ``hash`` with the chain hash: our :meth:`ChainInfo.to_json`;
* v2 — drand's ``Info`` JSON (``chain_hash``, ``genesis_seed``, ``scheme``, ``beacon_id``),
  [`MarshalJSON`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/info.go#L147-L172):
  our :meth:`ChainInfo.to_json_v2`.

Reading them, drand's
[`UnmarshalJSON`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/info.go#L87-L141)
takes the v2 fields, uses the v1 ones (``groupHash``, ``metadata.beaconID``) only when there is a
``schemeID`` and no ``scheme``, and checks **only** ``chain_hash`` (as a string: the lowercase hex of
the hash): the v1 ``hash`` field is never read (nor by ``InfoFromJSON``, which decodes the protobuf
and ignores its ``Hash``). :meth:`ChainInfo.from_json` reads the same fields with the same precedence
and the same types (``tests/test_ref_chain.py`` compares it with drand's own function), and on purpose
refuses more: a stated v1 ``hash`` must match too, or :class:`~drand_edu.errors.ChainMismatch` — a
client that pins a chain hash should not accept info that names another one — and a period must be
1 to 2**32 - 1 seconds (drand takes a missing one as 0, and hashes a larger one cut to 32 bits, so
that 2**32 + 3 seconds names the same chain as 3). ``tests/data/differences.toml`` lists these.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..crypto.groups import Point
from ..crypto.schemes import DEFAULT_SCHEME, Scheme, scheme_by_id
from ..errors import ChainMismatch, InvalidInput
from ..hexbytes import short_hex
from . import time as chain_time

DEFAULT_BEACON_ID = "default"


def is_default_beacon_id(beacon_id: str) -> bool:
    """drand treats ``""`` and ``"default"`` as the same, default, beacon id."""
    return beacon_id in ("", DEFAULT_BEACON_ID)


@dataclass(frozen=True)
class ChainInfo:
    """The public parameters of one drand chain (what ``/info`` serves)."""

    public_key: bytes
    period: int
    genesis_time: int
    genesis_seed: bytes
    scheme: Scheme = DEFAULT_SCHEME
    beacon_id: str = DEFAULT_BEACON_ID

    def __post_init__(self) -> None:
        if not _is_int(self.period) or not 0 < self.period < 2**32:
            raise InvalidInput(f"period must be a positive number of seconds (uint32), got {self.period!r}")
        if not _is_int(self.genesis_time) or not -(2**63) <= self.genesis_time < 2**63:
            raise InvalidInput(f"genesis_time must be an int64 of unix seconds, got {self.genesis_time!r}")
        if not isinstance(self.beacon_id, str):
            raise InvalidInput(f"beacon id must be a string, got {type(self.beacon_id).__name__}")
        if len(self.public_key) != self.scheme.public_key_size:
            raise InvalidInput(
                f"public key has {len(self.public_key)} bytes; scheme {self.scheme.id} "
                f"wants {self.scheme.public_key_size}"
            )

    # -- identity ------------------------------------------------------------------------------
    def hash(self) -> bytes:
        """The chain hash: the 32-byte identifier of this chain."""
        h = hashlib.sha256()
        h.update(self.period.to_bytes(4, "big"))
        h.update(self.genesis_time.to_bytes(8, "big", signed=True))
        h.update(self.public_key)
        h.update(self.genesis_seed)
        if not is_default_beacon_id(self.beacon_id):
            h.update(self.beacon_id.encode())
        return h.digest()

    @property
    def hash_hex(self) -> str:
        return self.hash().hex()

    def public_key_point(self) -> Point:
        """The group public key as a curve point (validated once, then kept: verifiers ask often)."""
        return self._decoded_public_key

    @cached_property
    def _decoded_public_key(self) -> Point:
        return self.scheme.key_group.from_bytes(self.public_key)

    # -- time ----------------------------------------------------------------------------------
    def time_of_round(self, round_number: int) -> int:
        """Unix time at which ``round_number`` is due (round 1 is at genesis)."""
        return chain_time.time_of_round(self.genesis_time, self.period, round_number)

    def round_at(self, unix_time: float) -> int:
        """The round that is current at ``unix_time``; 1 before genesis, as drand's ``CurrentRound``."""
        return chain_time.current_round(self.genesis_time, self.period, unix_time)

    @classmethod
    def from_group(cls, group: Any) -> ChainInfo:
        """The chain info of a group file's chain (drand's ``chain.NewChainInfo``): its distributed key,
        period, genesis time and seed, scheme and beacon id (:meth:`Group.chain_info_fields`)."""
        return cls(**group.chain_info_fields())

    # -- JSON ----------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The v1 form, as drand's public HTTP API serves ``/info``."""
        return {
            "public_key": self.public_key.hex(),
            "period": self.period,
            "genesis_time": self.genesis_time,
            "hash": self.hash_hex,
            "groupHash": self.genesis_seed.hex(),
            "schemeID": self.scheme.id,
            "metadata": {"beaconID": self.beacon_id or DEFAULT_BEACON_ID},
        }

    def to_json_v2(self) -> dict[str, Any]:
        """The v2 form (drand's newer JSON field names)."""
        return {
            "public_key": self.public_key.hex(),
            "period": self.period,
            "genesis_time": self.genesis_time,
            "genesis_seed": self.genesis_seed.hex(),
            "chain_hash": self.hash_hex,
            "scheme": self.scheme.id,
            "beacon_id": self.beacon_id or DEFAULT_BEACON_ID,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, check_hash: bool = True) -> ChainInfo:
        """Parse v1 or v2 chain info JSON as drand's ``UnmarshalJSON`` does; a stated hash must match.

        Every field drand's decoder knows must have its type (strings, hex strings, integers, an object
        or null for ``metadata``) even when it is not used; ``null`` counts as absent. Then, as drand:
        the v1 fields (``groupHash``, ``metadata.beaconID``) replace the v2 ones only in a v1 document
        (a ``schemeID`` and no ``scheme``), and a ``chain_hash`` must be exactly the lowercase hex of
        the recomputed hash. Ours, on purpose, refuses what drand lets through: a stated v1 ``hash``
        that is not the chain's (unless ``check_hash=False``), a missing ``period`` or
        ``genesis_time``, a period of 0 or of 2**32 seconds or more (drand hashes it truncated to
        32 bits). Field names are matched exactly (Go's decoder ignores their case).
        """
        if not isinstance(data, dict):
            raise InvalidInput(f"chain info must be a JSON object, got {type(data).__name__}")
        metadata = data.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise InvalidInput(f"chain info: metadata must be an object, got {type(metadata).__name__}")
        fields = {name: _text(data, name) for name in ("beacon_id", "scheme", "chain_hash", "schemeID")}
        seeds = {name: _hex(data, name) for name in ("public_key", "genesis_seed", "groupHash")}
        old_beacon_id = _text(metadata or {}, "beaconID")
        period, genesis_time = _integer(data, "period"), _integer(data, "genesis_time")
        v1 = fields["schemeID"] != "" and fields["scheme"] == ""
        scheme_id = fields["schemeID"] if v1 else fields["scheme"]
        genesis_seed = seeds["groupHash"] if v1 else seeds["genesis_seed"]
        beacon_id = old_beacon_id if v1 and old_beacon_id else fields["beacon_id"]
        for name, value in (("public_key", data.get("public_key")), ("period", period)):
            if value is None:
                raise InvalidInput(f"chain info JSON is missing {name!r}")
        info = cls(
            public_key=seeds["public_key"],
            period=period,
            genesis_time=genesis_time or 0,  # drand's v1 writer leaves a zero genesis time out
            genesis_seed=genesis_seed,
            scheme=scheme_by_id(scheme_id or DEFAULT_SCHEME.id),
            beacon_id=beacon_id or DEFAULT_BEACON_ID,
        )
        info.public_key_point()  # drand decodes the key (on the curve, in the subgroup) while parsing
        if fields["chain_hash"] and fields["chain_hash"] != info.hash_hex:  # drand compares the strings
            raise ChainMismatch(
                f"chain info states chain_hash {fields['chain_hash'][:16]}… but its fields hash to "
                f"{info.hash_hex[:16]}…"
            )
        stated = data.get("hash")
        if check_hash and stated is not None and stated != "":
            if _hex(data, "hash") != info.hash():
                raise ChainMismatch(
                    f"chain info states hash {stated[:16]}… but its fields hash to {info.hash_hex[:16]}…"
                )
        return info

    def __repr__(self) -> str:
        return (
            f"ChainInfo(hash={short_hex(self.hash())}, scheme={self.scheme.id!r}, period={self.period}, "
            f"genesis_time={self.genesis_time}, beacon_id={self.beacon_id!r})"
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(data: dict[str, Any], name: str) -> str:
    """A string field of chain info JSON; absent or null is ``""`` (Go's zero value)."""
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"chain info: {name} must be a string, got {type(value).__name__}")
    return value


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _hex(data: dict[str, Any], name: str) -> bytes:
    """A hex field, decoded as Go's ``hex.DecodeString`` does: digits only (either case), even length."""
    text = _text(data, name)
    if len(text) % 2 or not _HEX_DIGITS.issuperset(text):
        raise InvalidInput(f"chain info: {name} is not hex: {text[:20]!r}")
    return bytes.fromhex(text)


def _integer(data: dict[str, Any], name: str) -> int | None:
    """An integer field; absent or null is None. JSON numbers with a fraction or exponent are refused."""
    value = data.get(name)
    if value is not None and not _is_int(value):
        raise InvalidInput(f"chain info: {name} must be an integer, got {value!r:.20}")
    return value
