"""drand's group file: who is in the network, the threshold, the timing and the distributed key.

Mirrors drand's ``common/key/group.go`` (``Group``, ``GroupTOML``), ``common/key/node.go``
(``Node``, ``NodeTOML``) and ``common/key/keys.go`` (``PublicTOML``, ``DistPublic``). A group file
looks like this (drand's own test data, ``internal/test/default.toml``)::

    Threshold = 2
    Period = "30s"
    CatchupPeriod = "2s"
    GenesisTime = 1649948280
    TransitionTime = 1662041790          # genesis after the first DKG, the handover after a reshare
    GenesisSeed = "4c1947…9b59"          # hex
    SchemeID = "pedersen-bls-chained"
    ID = "default"                       # the beacon id

    [[Nodes]]
      Address = "pl2-rpc.incentinet.drand.sh:443"
      Key = "8467b7…f1e4"                # the node's long-term public key, hex, key group
      TLS = true                         # only in files of drand < 2; accepted and kept
      Signature = "ad1a46…7e72"          # the node's self-signature of its identity, hex
      SchemeName = "pedersen-bls-chained"
      Index = 0

    [PublicKey]                          # only once a DKG has run
      Coefficients = ["88a822…bfdb", "883003…7373"]   # the PubPoly commitments, A_0 first

Periods are Go durations (``"30s"``, ``"1m0s"``, ``"1.5s"``). On load drand refuses a threshold
below :func:`~drand_edu.threshold.poly.minimum_threshold` or above the number of nodes; so do we.

Layering: the group sits in the threshold layer (it carries the DKG's output) while
:class:`~drand_edu.chain.ChainInfo` sits above, in the chain layer. :meth:`Group.chain_info_fields`
returns the chain info's fields; :meth:`ChainInfo.from_group` builds the chain info from them, in the
chain layer, as drand does in its chain package (``chain.NewChainInfo``).

drand's code, and ours:
[`Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L105-L134)
of the group
(nodes by index, threshold, genesis time, the transition time when not 0, the distributed key, a
non-default beacon id — not the nodes' addresses or signatures) → :meth:`Group.hash`;
[`Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/node.go#L27-L32)
of a node → :meth:`Node.hash`;
[`FromTOML`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L229-L292)
(which refuses a threshold below ``MinimumT``
with "group file has threshold 0") → :meth:`Group.from_toml`. The nodes' ``Signature`` is each
identity's self-signature (:mod:`drand_edu.crypto.identity`); the groups we write carry them.

``tests/test_ref_group.py`` reads the same files with drand's own ``key.Load``: whenever both read a
file, the hash, the genesis seed and every field agree. drand's reading is lenient (a missing field is
Go's zero value); ours refuses what a node could not use — a missing genesis time, address or index,
duplicate indices, a period that is not a positive whole number of seconds, a distributed key that is
not ``threshold`` coefficients long (``tests/data/differences.toml``, ``group-file-stricter``).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from ..crypto.schemes import DEFAULT_SCHEME, Scheme, scheme_by_id
from ..errors import InvalidInput
from ..hexbytes import from_hex, short_hex
from .poly import PubPoly, minimum_threshold

#: drand's ``common.DefaultBeaconID``; ``""`` means the same.
DEFAULT_BEACON_ID = "default"


def canonical_beacon_id(beacon_id: str) -> str:
    """drand's ``GetCanonicalBeaconID``: ``""`` and ``"default"`` are both ``"default"``."""
    return DEFAULT_BEACON_ID if beacon_id in ("", DEFAULT_BEACON_ID) else beacon_id


def _blake2b256(*parts: bytes) -> bytes:
    """drand's ``hashFunc`` in ``common/key/group.go``: unkeyed BLAKE2b with a 32-byte digest."""
    h = hashlib.blake2b(digest_size=32)
    for part in parts:
        h.update(part)
    return h.digest()


def dist_public_hash(public_key: PubPoly) -> bytes:
    """drand's ``DistPublic.Hash``: BLAKE2b-256 of the compressed coefficients, ``A_0`` first."""
    return _blake2b256(*public_key.to_bytes_list())


# -- Go durations -----------------------------------------------------------------------------
_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_GO_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str, *, what: str = "duration") -> float:
    """Seconds in a Go ``time.Duration`` string such as ``"30s"``, ``"1m30s"`` or ``"1.5s"``."""
    if not isinstance(text, str):
        raise InvalidInput(f'{what}: expected a duration string like "30s", got {type(text).__name__}')
    body = text.strip()
    sign = 1.0
    if body.startswith(("+", "-")):
        sign = -1.0 if body[0] == "-" else 1.0
        body = body[1:]
    if body == "0":
        return 0.0
    pos, total = 0, 0.0
    while pos < len(body):
        match = _GO_PART.match(body, pos)
        if match is None:
            raise InvalidInput(f'{what}: {text!r} is not a Go duration (e.g. "30s", "1m0s")')
        total += float(match.group(1)) * _GO_UNITS[match.group(2)]
        pos = match.end()
    if pos == 0:
        raise InvalidInput(f"{what}: empty duration")
    return sign * total


def format_go_duration(seconds: float) -> str:
    """Go's ``time.Duration.String``: ``30 → "30s"``, ``90 → "1m30s"``, ``1.5 → "1.5s"``, ``0 → "0s"``."""
    nanos = round(seconds * 1_000_000_000)
    if nanos == 0:
        return "0s"
    sign, nanos = ("-", -nanos) if nanos < 0 else ("", nanos)
    if nanos < 1_000_000_000:  # below a second Go switches to ms / µs / ns
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if nanos >= size:
                return sign + _trim(nanos, size) + unit
    hours, rest = divmod(nanos, 3600 * 1_000_000_000)
    minutes, rest = divmod(rest, 60 * 1_000_000_000)
    out = f"{hours}h" if hours else ""
    if hours or minutes:
        out += f"{minutes}m"
    return sign + out + _trim(rest, 1_000_000_000) + "s"


def _trim(value: int, unit: int) -> str:
    whole, frac = divmod(value, unit)
    if not frac:
        return str(whole)
    digits = len(str(unit)) - 1
    return f"{whole}." + f"{frac:0{digits}d}".rstrip("0")


# -- nodes ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    """One member of a group: its address, long-term public key, index, and self-signature."""

    address: str
    public_key: bytes
    index: int
    signature: bytes = b""
    #: ``TLS = true|false`` in group files of drand < 2; ``None`` when absent (drand 2 dropped it).
    tls: bool | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.index, int) or isinstance(self.index, bool) or not 0 <= self.index < 2**32:
            raise InvalidInput(f"node index must be a uint32, got {self.index!r}")
        object.__setattr__(self, "public_key", bytes(self.public_key))
        object.__setattr__(self, "signature", bytes(self.signature))

    def hash(self) -> bytes:
        """drand's ``Node.Hash`` (``common/key/node.go``): BLAKE2b-256(index as uint32 LE ‖ key).

        The address is deliberately left out: a node may move and keep its identity.
        """
        return _blake2b256(self.index.to_bytes(4, "little"), self.public_key)

    def __repr__(self) -> str:
        return f"Node(index={self.index}, address={self.address!r}, key={short_hex(self.public_key)})"


# -- the group --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """All information about a group of drand nodes (drand's ``key.Group``).

    ``period`` is in whole seconds (drand's chain info stores it as a uint32 of seconds);
    ``catchup_period`` is whole seconds in the groups drand v2 writes (proposals carry
    ``CatchupPeriodSeconds``, a uint32; drand's default is 0 s); a fractional Go duration read from
    an older group file is kept as it is.
    ``public_key`` is the DKG's public polynomial; ``None`` until a DKG has run.
    """

    threshold: int
    period: int
    catchup_period: float
    nodes: tuple[Node, ...]
    genesis_time: int
    transition_time: int = 0
    genesis_seed: bytes = b""
    scheme: Scheme = DEFAULT_SCHEME
    beacon_id: str = DEFAULT_BEACON_ID
    public_key: PubPoly | None = field(default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", tuple(self.nodes))
        object.__setattr__(self, "genesis_seed", bytes(self.genesis_seed))
        object.__setattr__(self, "beacon_id", canonical_beacon_id(self.beacon_id))
        if not self.nodes or not all(isinstance(n, Node) for n in self.nodes):
            raise InvalidInput("a group needs at least one Node")
        if len({n.index for n in self.nodes}) != len(self.nodes):
            raise InvalidInput("two nodes of the group share an index")
        if not isinstance(self.threshold, int) or not 1 <= self.threshold <= len(self.nodes):
            raise InvalidInput(
                f"threshold must be between 1 and the number of nodes ({len(self.nodes)}), "
                f"got {self.threshold!r}"
            )
        if not isinstance(self.period, int) or self.period <= 0:
            raise InvalidInput(f"period must be a positive whole number of seconds, got {self.period!r}")
        if not isinstance(self.catchup_period, int | float) or self.catchup_period < 0:
            raise InvalidInput(f"catchup period must be >= 0 seconds, got {self.catchup_period!r}")
        for name in ("genesis_time", "transition_time"):
            value = getattr(self, name)
            if not isinstance(value, int) or not -(2**63) <= value < 2**63:
                raise InvalidInput(f"{name} must be an int64 of unix seconds, got {value!r}")
        size = self.scheme.public_key_size
        for n in self.nodes:
            if len(n.public_key) != size:
                raise InvalidInput(
                    f"node {n.index}: key has {len(n.public_key)} bytes, scheme {self.scheme.id} wants {size}"
                )
        if self.public_key is not None:
            if self.public_key.group is not self.scheme.key_group:
                raise InvalidInput(f"the distributed key must be in {self.scheme.key_group.name}")
            if self.public_key.threshold != self.threshold:  # drand's GroupFromProto check
                raise InvalidInput(
                    f"distributed key has {self.public_key.threshold} coefficients, "
                    f"threshold is {self.threshold}"
                )

    # -- lookups ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.nodes)

    def node(self, index: int) -> Node | None:
        """The node with ``index`` (drand's ``Group.Node``), or ``None``."""
        return next((n for n in self.nodes if n.index == index), None)

    def find(self, public_key: bytes) -> Node | None:
        """The node with this public key (drand's ``Group.Find``), or ``None``."""
        return next((n for n in self.nodes if n.public_key == bytes(public_key)), None)

    def with_public_key(self, public_key: PubPoly) -> Group:
        """A copy carrying the distributed key the DKG produced."""
        return replace(self, public_key=public_key)

    # -- identity --------------------------------------------------------------------------
    def hash(self) -> bytes:
        """drand's ``Group.Hash`` (``common/key/group.go``), 32 bytes of BLAKE2b-256 over::

            Node.hash() of every node, sorted by index      (see Node.hash)
            ‖ threshold as uint32 little-endian
            ‖ genesis_time as uint64 little-endian
            ‖ transition_time as int64 little-endian     — only when it is not 0
            ‖ dist_public_hash(public_key)                — only when a DKG has run
            ‖ beacon id bytes                             — only when not the default id

        Period, catch-up period, scheme, addresses, signatures and the genesis seed are *not*
        hashed. Note the little-endian integers, unlike the chain hash's big-endian ones.
        """
        parts = [n.hash() for n in sorted(self.nodes, key=lambda n: n.index)]
        parts.append(self.threshold.to_bytes(4, "little"))
        parts.append((self.genesis_time % 2**64).to_bytes(8, "little"))
        if self.transition_time != 0:
            parts.append(self.transition_time.to_bytes(8, "little", signed=True))
        if self.public_key is not None:
            parts.append(dist_public_hash(self.public_key))
        if self.beacon_id != DEFAULT_BEACON_ID:
            parts.append(self.beacon_id.encode())
        return _blake2b256(*parts)

    def get_genesis_seed(self) -> bytes:
        """The genesis seed, or the group hash when none is set (drand's ``GetGenesisSeed``).

        After a first DKG drand sets the seed to the hash of the resulting group
        (``internal/dkg/execution.go``, ``asGroup``); a resharing keeps the old seed.
        """
        return self.genesis_seed or self.hash()

    # -- chain info ------------------------------------------------------------------------
    def chain_info_fields(self) -> dict[str, Any]:
        """The keyword arguments of :class:`~drand_edu.chain.ChainInfo` (drand's ``chain.NewChainInfo``)."""
        if self.public_key is None:
            raise InvalidInput("this group has no distributed key yet: run a DKG first")
        return {
            "public_key": self.public_key.commit().to_bytes(),
            "period": self.period,
            "genesis_time": self.genesis_time,
            "genesis_seed": self.get_genesis_seed(),
            "scheme": self.scheme,
            "beacon_id": self.beacon_id,
        }

    # -- TOML ------------------------------------------------------------------------------
    def to_toml_dict(self) -> dict[str, Any]:
        """The ``GroupTOML`` structure as a dict, keys spelled as drand spells them."""
        data: dict[str, Any] = {
            "Threshold": self.threshold,
            "Period": format_go_duration(self.period),
            "CatchupPeriod": format_go_duration(self.catchup_period),
            "GenesisTime": self.genesis_time,
        }
        if self.transition_time != 0:
            data["TransitionTime"] = self.transition_time
        data["GenesisSeed"] = self.get_genesis_seed().hex()
        data["SchemeID"] = self.scheme.id
        data["ID"] = self.beacon_id
        nodes = []
        for n in self.nodes:
            entry: dict[str, Any] = {"Address": n.address, "Key": n.public_key.hex()}
            if n.tls is not None:
                entry["TLS"] = n.tls
            entry["Signature"] = n.signature.hex()
            entry["SchemeName"] = self.scheme.id
            entry["Index"] = n.index
            nodes.append(entry)
        data["Nodes"] = nodes
        if self.public_key is not None:
            data["PublicKey"] = {"Coefficients": [c.hex() for c in self.public_key.to_bytes_list()]}
        return data

    def to_toml(self) -> str:
        """The group file's text (written with ``tomli_w``)."""
        return tomli_w.dumps(self.to_toml_dict())

    @classmethod
    def from_toml(cls, text: str) -> Group:
        """Parse a group file; :class:`InvalidInput` for bad TOML, missing fields, bad hex or keys."""
        try:
            data = tomllib.loads(text)
        except (ValueError, TypeError, AttributeError) as err:  # ValueError: also a 5,000-digit integer
            raise InvalidInput(f"group file is not valid TOML: {err}") from None
        return cls.from_toml_dict(data)

    @classmethod
    def from_toml_dict(cls, data: dict[str, Any]) -> Group:
        """Build a group from parsed TOML, checking it as drand's ``Group.FromTOML`` does."""
        if not isinstance(data, dict):
            raise InvalidInput("a group file must be a TOML table")
        for key in ("Threshold", "Period", "Nodes", "GenesisTime"):
            if key not in data:
                raise InvalidInput(f"group file is missing {key!r}")
        # drand < 1.4 wrote no SchemeID: then it is the default scheme.
        scheme = scheme_by_id(_get(data, "SchemeID", str, "") or DEFAULT_SCHEME.id)
        raw_nodes = data["Nodes"]
        if not isinstance(raw_nodes, list) or not raw_nodes:
            raise InvalidInput("group file: Nodes must be a non-empty array of tables")
        nodes = tuple(_node_from_toml(i, entry, scheme) for i, entry in enumerate(raw_nodes))
        threshold = _get(data, "Threshold", int)
        if threshold < minimum_threshold(len(nodes)):  # drand: "group file has threshold 0"
            raise InvalidInput(
                f"threshold {threshold} is below drand's minimum {minimum_threshold(len(nodes))} "
                f"for {len(nodes)} nodes"
            )
        if threshold > len(nodes):
            raise InvalidInput("group file threshold greater than number of participants")
        period = parse_go_duration(_get(data, "Period", str), what="Period")
        if period <= 0 or not float(period).is_integer():
            raise InvalidInput(f"Period must be a positive whole number of seconds, got {data['Period']!r}")
        catchup_text = _get(data, "CatchupPeriod", str, "")
        catchup = parse_go_duration(catchup_text, what="CatchupPeriod") if catchup_text else 0.0
        public_key = None
        if "PublicKey" in data:
            table = data["PublicKey"]
            coefficients = table.get("Coefficients") if isinstance(table, dict) else None
            if not isinstance(coefficients, list) or not coefficients:
                raise InvalidInput("group file: PublicKey.Coefficients must be a non-empty list of hex")
            public_key = PubPoly.from_bytes_list(
                scheme.key_group,
                [from_hex(c, what=f"PublicKey coefficient {k}") for k, c in enumerate(coefficients)],
            )
        seed_hex = _get(data, "GenesisSeed", str, "")
        return cls(
            threshold=threshold,
            period=int(period),
            catchup_period=int(catchup) if float(catchup).is_integer() else catchup,
            nodes=nodes,
            genesis_time=_get(data, "GenesisTime", int),
            transition_time=_get(data, "TransitionTime", int, 0),
            genesis_seed=from_hex(seed_hex, what="GenesisSeed") if seed_hex else b"",
            scheme=scheme,
            beacon_id=_get(data, "ID", str, ""),
            public_key=public_key,
        )

    def save(self, path: str | Path) -> None:
        """Write the group file to ``path``."""
        Path(path).write_text(self.to_toml(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Group:
        """Read a group file from ``path``."""
        return cls.from_toml(Path(path).read_text(encoding="utf-8"))

    def __repr__(self) -> str:
        key = "none" if self.public_key is None else short_hex(self.public_key.commit().to_bytes())
        return (
            f"Group(n={len(self.nodes)}, threshold={self.threshold}, period={self.period}s, "
            f"scheme={self.scheme.id!r}, beacon_id={self.beacon_id!r}, public_key={key})"
        )


def _get(table: dict[str, Any], key: str, kind: type, default: Any = ...) -> Any:
    """``table[key]`` checked to be of ``kind`` (booleans are not integers here)."""
    if key not in table:
        if default is ...:
            raise InvalidInput(f"group file is missing {key!r}")
        return default
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidInput(f"group file: {key} must be {kind.__name__}, got {type(value).__name__}")
    return value


def _node_from_toml(position: int, entry: Any, scheme: Scheme) -> Node:
    if not isinstance(entry, dict):
        raise InvalidInput(f"group file: Nodes[{position}] must be a table")
    for key in ("Address", "Key", "Index"):
        if key not in entry:
            raise InvalidInput(f"group file: Nodes[{position}] is missing {key!r}")
    # drand decodes each node's key with the node's own SchemeName, the default scheme when it is missing
    # (Identity.FromTOML → GetSchemeByID("")), so a node without one cannot be read in a group whose keys
    # live on another group. We also refuse a differently named scheme on the same key group, which
    # drand lets through (tests/data/differences.toml, group-file-stricter).
    name = _get(entry, "SchemeName", str, "")
    if not name and DEFAULT_SCHEME.key_group is not scheme.key_group:
        raise InvalidInput(
            f"group file: node {position} has no SchemeName, so drand reads its key as {DEFAULT_SCHEME.id}'s"
            f" ({DEFAULT_SCHEME.key_group.label}), not {scheme.id}'s ({scheme.key_group.label})"
        )
    if name and name != scheme.id:
        raise InvalidInput(f"group file: node {position} uses scheme {name!r}, the group uses {scheme.id!r}")
    key = from_hex(_get(entry, "Key", str), what=f"Nodes[{position}].Key")
    scheme.key_group.from_bytes(key)  # a valid point of the key group (raises InvalidPoint)
    tls = entry.get("TLS")
    if tls is not None and not isinstance(tls, bool):
        raise InvalidInput(f"group file: Nodes[{position}].TLS must be true or false")
    signature = _get(entry, "Signature", str, "")
    return Node(
        address=_get(entry, "Address", str),
        public_key=key,
        index=_get(entry, "Index", int),
        signature=from_hex(signature, what=f"Nodes[{position}].Signature") if signature else b"",
        tls=tls,
    )


__all__ = [
    "DEFAULT_BEACON_ID",
    "Group",
    "Node",
    "canonical_beacon_id",
    "dist_public_hash",
    "format_go_duration",
    "parse_go_duration",
]
