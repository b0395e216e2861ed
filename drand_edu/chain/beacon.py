"""A drand beacon: a round number, a BLS signature, and (on chained schemes) the previous signature.

The randomness is *derived*: ``randomness = sha256(signature)``. drand publishes it for
convenience, but a verifier recomputes it. drand's Go type has the same three fields and no stored
randomness,
[`Beacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/beacon.go#L61-L69);
:func:`randomness_from_signature` is
[`RandomnessFromSignature`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L337-L344),
hashed because the bytes of a curve point are not uniform bits. Round 1 of a chained chain signs
over the genesis seed: drand stores a round-0 stand-in whose signature is the seed,
[`GenesisBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/store.go#L81-L87).
Beacon JSON (the public HTTP API's ``/public/{round}``)::

    {"round": 2634945, "randomness": "fc8f…", "signature": "8147…", "previous_signature": "8bd9…"}
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..crypto.schemes import Scheme
from ..errors import InvalidBeacon, InvalidInput
from ..hexbytes import from_hex, short_hex


def randomness_from_signature(signature: bytes) -> bytes:
    """drand's randomness: the SHA-256 of the signature bytes."""
    return hashlib.sha256(signature).digest()


@dataclass(frozen=True)
class Beacon:
    """One round of a drand chain. ``previous_signature`` is ``b""`` on unchained schemes."""

    round: int
    signature: bytes
    previous_signature: bytes = b""

    def __post_init__(self) -> None:
        if not isinstance(self.round, int) or isinstance(self.round, bool) or not 0 <= self.round < 2**64:
            raise InvalidInput(f"beacon round must be a uint64, got {self.round!r}")

    @property
    def randomness(self) -> bytes:
        """32 bytes of randomness: ``sha256(signature)``."""
        return randomness_from_signature(self.signature)

    def message(self, scheme: Scheme) -> bytes:
        """The digest that the group signed for this beacon under ``scheme``."""
        return scheme.digest(self.round, self.previous_signature)

    def to_json(self) -> dict[str, Any]:
        """drand's JSON form; ``previous_signature`` only when there is one (chained chains)."""
        out: dict[str, Any] = {
            "round": self.round,
            "randomness": self.randomness.hex(),
            "signature": self.signature.hex(),
        }
        if self.previous_signature:
            out["previous_signature"] = self.previous_signature.hex()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Beacon:
        """Parse drand's beacon JSON. A stated ``randomness`` must equal ``sha256(signature)``."""
        if not isinstance(data, dict):
            raise InvalidInput(f"a beacon must be a JSON object, got {type(data).__name__}")
        for field in ("round", "signature"):
            if field not in data:
                raise InvalidInput(f"beacon JSON is missing {field!r}")
        round_number = data["round"]
        if not isinstance(round_number, int) or isinstance(round_number, bool):
            raise InvalidInput(f"beacon round must be an integer, got {round_number!r}")
        signature = from_hex(data["signature"], what=f"round {round_number} signature")
        previous = data.get("previous_signature") or ""
        previous_bytes = (
            from_hex(previous, what=f"round {round_number} previous_signature") if previous else b""
        )
        beacon = cls(round_number, signature, previous_bytes)
        stated = data.get("randomness")
        if stated is not None:
            stated_bytes = from_hex(stated, what=f"round {round_number} randomness")
            if stated_bytes != beacon.randomness:
                raise InvalidBeacon(f"round {round_number}: randomness is not sha256(signature)")
        return beacon

    def __repr__(self) -> str:
        prev = f", previous_signature={short_hex(self.previous_signature)}" if self.previous_signature else ""
        return f"Beacon(round={self.round}, signature={short_hex(self.signature)}{prev})"
