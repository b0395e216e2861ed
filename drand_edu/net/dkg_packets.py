"""The bodies of :class:`~drand_edu.net.messages.DKGPacket`: DKG bundles and proposals as JSON values.

drand sends these as protobuf (``protobuf/drand/dkg_control.proto``: ``ProposalTerms``,
``DealBundle``, ``ResponseBundle``, ``JustificationBundle``); here each field becomes a JSON value
with bytes in hex. The bundles keep their Schnorr signatures, so a node can check who wrote a
bundle whatever carried it. A body that does not decode raises :class:`InvalidInput`.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidInput
from ..hexbytes import from_hex
from ..threshold.dkg.messages import (
    Bundle,
    Deal,
    DealBundle,
    Justification,
    JustificationBundle,
    Response,
    ResponseBundle,
)
from ..threshold.lifecycle import Participant, ProposalTerms

BUNDLE_PACKETS = ("deal", "response", "justification")


def bundle_to_json(bundle: Bundle) -> dict[str, Any]:
    """A deal, response or justification bundle as JSON values (its packet name is ``bundle.kind``)."""
    common = {"session_id": bundle.session_id.hex(), "signature": bundle.signature.hex()}
    if isinstance(bundle, DealBundle):
        deals = [
            {"share_index": d.share_index, "encrypted_share": d.encrypted_share.hex()} for d in bundle.deals
        ]
        return {"dealer_index": bundle.dealer_index, "deals": deals,
                "public": [c.hex() for c in bundle.public], **common}  # fmt: skip
    if isinstance(bundle, ResponseBundle):
        responses = [{"dealer_index": r.dealer_index, "status": r.status} for r in bundle.responses]
        return {"share_index": bundle.share_index, "responses": responses, **common}
    justifications = [
        {"share_index": j.share_index, "share": f"{j.share:064x}"} for j in bundle.justifications
    ]
    return {"dealer_index": bundle.dealer_index, "justifications": justifications, **common}


def bundle_from_json(packet: str, body: dict[str, Any]) -> Bundle:
    """Parse :func:`bundle_to_json` output for packet ``deal``, ``response`` or ``justification``."""
    try:
        session_id = from_hex(body["session_id"], what="session id")
        signature = from_hex(body["signature"], what="signature")
        if packet == "deal":
            deals = tuple(
                Deal(_uint(d["share_index"]), from_hex(d["encrypted_share"], what="encrypted share"))
                for d in body["deals"]
            )
            public = tuple(from_hex(c, what="commitment") for c in body["public"])
            return DealBundle(_uint(body["dealer_index"]), deals, public, session_id, signature)
        if packet == "response":
            responses = tuple(
                Response(_uint(r["dealer_index"]), bool(r["status"])) for r in body["responses"]
            )
            return ResponseBundle(_uint(body["share_index"]), responses, session_id, signature)
        if packet == "justification":
            justifications = tuple(
                Justification(_uint(j["share_index"]), int(j["share"], 16)) for j in body["justifications"]
            )
            return JustificationBundle(_uint(body["dealer_index"]), justifications, session_id, signature)
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"malformed {packet} bundle: {error}") from None
    raise InvalidInput(f"not a bundle packet: {packet!r}")


def terms_to_json(terms: ProposalTerms) -> dict[str, Any]:
    """A leader's proposal as JSON values."""
    return {
        "beacon_id": terms.beacon_id, "epoch": terms.epoch, "leader": terms.leader,
        "threshold": terms.threshold, "timeout": terms.timeout, "joining": list(terms.joining),
        "remaining": list(terms.remaining), "leaving": list(terms.leaving), "scheme_id": terms.scheme_id,
        "genesis_time": terms.genesis_time, "genesis_seed": terms.genesis_seed.hex(),
        "beacon_period": terms.beacon_period, "catchup_period": terms.catchup_period,
        "transition_time": terms.transition_time,
        "identities": [{"address": p.address, "key": p.key.hex(), "signature": p.signature.hex()}
                       for p in terms.identities],
    }  # fmt: skip


def terms_from_json(body: dict[str, Any]) -> ProposalTerms:
    """Parse :func:`terms_to_json` output."""
    try:
        return ProposalTerms(
            beacon_id=str(body["beacon_id"]),
            epoch=_uint(body["epoch"]),
            leader=str(body["leader"]),
            threshold=_uint(body["threshold"]),
            timeout=float(body["timeout"]),
            joining=tuple(str(a) for a in body["joining"]),
            remaining=tuple(str(a) for a in body["remaining"]),
            leaving=tuple(str(a) for a in body["leaving"]),
            scheme_id=str(body["scheme_id"]),
            genesis_time=int(body["genesis_time"]),
            genesis_seed=from_hex(body["genesis_seed"], what="genesis seed"),
            beacon_period=_uint(body["beacon_period"]),
            catchup_period=_uint(body["catchup_period"]),
            transition_time=int(body.get("transition_time", 0)),
            identities=tuple(
                Participant(
                    str(p["address"]),
                    from_hex(p["key"], what="participant key"),
                    from_hex(p["signature"], what="participant signature"),
                )
                for p in body.get("identities", ())
            ),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"malformed proposal: {error}") from None


def _uint(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a non-negative integer, got {value!r}")
    return value
