"""drand's own chain info code (``common/chain/info.go``, ``convert.go``) beside :class:`ChainInfo`.

Documents in the v1 shape (what ``/info`` serves: ``public_key``, ``period``, ``genesis_time``, ``hash``,
``groupHash``, ``schemeID``, ``metadata.beaconID``), the v2 shape (``genesis_seed``, ``chain_hash``,
``scheme``, ``beacon_id``) and mixes of both go through ``ChainInfo.from_json`` and drand's
``UnmarshalJSON`` (op ``chain.info_unmarshal``): the same chain (hash, scheme, key, seed, beacon id,
period, genesis) or both refuse. The only cases where drand accepts and we refuse are the listed
differences ``chain-info-v1-hash-checked`` and ``chain-info-nonsense-numbers`` (tests/data/differences.toml),
recognised here by what makes them so, nothing looser. Then the hash of info built from fields
(``Info.Hash``) and both JSON writers (``MarshalJSON``, ``ToJSON``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from drand_edu.chain.info import ChainInfo
from drand_edu.crypto.schemes import SCHEMES, scheme_by_id
from drand_edu.errors import DrandEduError, parse_json

from .conftest import load_vector

REAL = {
    name: load_vector(f"beacons-{name}.json")["info"] for name in ("mainnet-default", "quicknet", "evmnet")
}


def v2_of(v1: dict[str, Any]) -> dict[str, Any]:
    """The v2 shape of a v1 document (drand's MarshalJSON field names)."""
    return {
        "public_key": v1["public_key"], "period": v1["period"], "genesis_time": v1["genesis_time"],
        "genesis_seed": v1["groupHash"], "chain_hash": v1["hash"], "scheme": v1["schemeID"],
        "beacon_id": v1["metadata"]["beaconID"],
    }  # fmt: skip


def canonical(beacon_id: str) -> str:
    """drand's GetCanonicalBeaconID: "" and "default" are the same id."""
    return beacon_id or "default"


def ours_outcome(text: str) -> tuple[str, Any]:
    try:
        return "ok", ChainInfo.from_json(parse_json(text))  # type: ignore[arg-type]
    except DrandEduError as refused:
        return "refused", refused


def listed_difference(data: Any, theirs: dict[str, Any]) -> str | None:
    """The listed difference that explains "drand accepts, we refuse" for ``data``, if one does."""
    if not isinstance(data, dict):
        return None
    stated = data.get("hash")
    if stated not in (None, "") and (not isinstance(stated, str) or stated.lower() != theirs["hash"]):
        return "chain-info-v1-hash-checked"
    if not 0 < theirs["period"] < 2**32 or data.get("period") is None:
        return "chain-info-nonsense-numbers"
    return None


def assert_same_reading(drandref, data: Any, text: str | None = None) -> str:
    """One document through drand's UnmarshalJSON and ours: the same chain, or both refuse. Returns
    "ok", "refused" or the id of the listed difference that explains why only drand accepted it."""
    text = json.dumps(data) if text is None else text
    theirs = drandref.outcome("chain.info_unmarshal", json=text)
    ours = ours_outcome(text)
    if theirs[0] != "ok":
        assert ours[0] == "refused", f"drand refuses ({theirs[1]}), ours accepts: {text}"
        return "refused"
    result = theirs[1]
    if ours[0] != "ok":
        reason = listed_difference(data, result)
        assert reason, f"drand accepts ({result['hash']}), ours refuses ({ours[1]!r}): {text}"
        return reason
    info: ChainInfo = ours[1]
    assert info.hash_hex == result["hash"], text
    assert info.scheme.id == (result["scheme"] or "pedersen-bls-chained")
    assert (info.public_key.hex(), info.genesis_seed.hex()) == (result["public_key"], result["genesis_seed"])
    assert (info.period, info.genesis_time) == (result["period"], result["genesis_time"])
    assert info.beacon_id == canonical(result["beacon_id"])
    return "ok"


# -- the real chains, in both shapes ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_chain_infos_read_the_same_in_both_shapes(drandref, name):
    v1 = REAL[name]
    assert assert_same_reading(drandref, v1) == "ok"
    assert assert_same_reading(drandref, v2_of(v1)) == "ok"
    theirs = drandref.call("chain.info_from_json", json=json.dumps(v1))  # what go-clients' HTTP client reads
    assert theirs["hash"] == v1["hash"] == ChainInfo.from_json(v1).hash_hex


# -- edge cases, each named ------------------------------------------------------------------------------

Q = REAL["quicknet"]
M = REAL["mainnet-default"]


def without(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in names}


EDGES: dict[str, Any] = {
    "v2 with v1 leftovers (v2 wins)": {**v2_of(M), "schemeID": "bls-unchained-g1-rfc9380", "groupHash": "00",
                                      "metadata": {"beaconID": "other"}},
    "v1 with a scheme too: v1 fields ignored": {**without(Q, "hash"), "scheme": Q["schemeID"]},
    "v2 without beacon_id, metadata ignored": {**without(v2_of(Q), "beacon_id"),
                                               "metadata": {"beaconID": "quicknet"}},
    "v1 beaconID empty: v2 beacon_id used": {**without(Q, "hash"), "metadata": {"beaconID": ""},
                                             "beacon_id": "quicknet"},
    "v1 metadata null": {**without(Q, "hash"), "metadata": None},
    "v1 metadata {}": {**without(Q, "hash"), "metadata": {}},
    "metadata a string": {**Q, "metadata": "quicknet"},
    "metadata a list": {**v2_of(Q), "metadata": []},
    "metadata.beaconID a number": {**v2_of(Q), "metadata": {"beaconID": 5}},
    "beacon_id a number": {**v2_of(Q), "beacon_id": 5},
    "beacon id 'default' spelled out": {**without(v2_of(M), "chain_hash"), "beacon_id": "default"},
    "beacon id ''": {**without(v2_of(M), "chain_hash"), "beacon_id": ""},
    "beacon id 'Default' is not the default": {**without(v2_of(M), "chain_hash"), "beacon_id": "Default"},
    "beacon id ' default'": {**without(v2_of(M), "chain_hash"), "beacon_id": " default"},
    "beacon id unicode": {**without(v2_of(M), "chain_hash"), "beacon_id": "fastnet-é"},
    "chain_hash upper case": {**v2_of(Q), "chain_hash": Q["hash"].upper()},
    "chain_hash wrong": {**v2_of(Q), "chain_hash": "00" * 32},
    "chain_hash a number": {**v2_of(Q), "chain_hash": 5},
    "chain_hash empty: not checked": {**v2_of(Q), "chain_hash": "", "period": 4},
    "v1 hash upper case": {**Q, "hash": Q["hash"].upper()},
    "v1 hash and wrong chain_hash": {**Q, "chain_hash": "00" * 32},
    "public key upper-case hex": {**v2_of(Q), "public_key": Q["public_key"].upper()},
    "public key 0x": {**v2_of(Q), "public_key": "0x" + Q["public_key"]},
    "public key with a space": {**v2_of(Q), "public_key": Q["public_key"][:2] + " " + Q["public_key"][2:]},
    "public key odd length": {**v2_of(Q), "public_key": Q["public_key"][:-1]},
    "public key of the other group": {**without(v2_of(Q), "chain_hash"), "public_key": M["public_key"]},
    "public key at infinity": {**without(v2_of(Q), "chain_hash"), "public_key": "c0" + "00" * 95},
    "public key off the curve": {**without(v2_of(M), "chain_hash"), "public_key": "8" + "0" * 94 + "5"},
    "public key missing": without(v2_of(Q), "public_key"),
    "groupHash not hex in a v2 document": {**v2_of(Q), "groupHash": "zz"},
    "genesis_seed a number in a v1 document": {**Q, "genesis_seed": 5},
    "genesis_seed empty": {**without(v2_of(Q), "chain_hash"), "genesis_seed": ""},
    "period as a Go duration": {**v2_of(Q), "period": "3s"},
    "period 3.0": {**Q, "period": 3.0},
    "period true": {**Q, "period": True},
    "period negative": {**without(Q, "hash"), "period": -3},
    "genesis_time a string": {**v2_of(Q), "genesis_time": str(Q["genesis_time"])},
    "genesis_time missing: 0, as drand's v1 writer omits it": without(v2_of(Q), "genesis_time", "chain_hash"),
    "genesis_time negative": {**without(v2_of(Q), "chain_hash"), "genesis_time": -1},
    "genesis_time above int64": {**without(v2_of(Q), "chain_hash"), "genesis_time": 2**63},
    "schemeID a number": {**Q, "schemeID": 7},
    "schemeID empty: the default scheme": {**without(M, "hash"), "schemeID": ""},
    "scheme unknown": {**v2_of(Q), "scheme": "bls-unchained-on-g3"},
    "no scheme at all: the default": without(v2_of(M), "scheme"),
    "evmnet key under the default scheme": without(v2_of(REAL["evmnet"]), "scheme", "chain_hash"),
    "an unknown field": {**Q, "extra": [1, {"x": None}]},
    "null everywhere but the key": {"public_key": M["public_key"], "period": 30, "genesis_time": 1,
                                    "scheme": None, "beacon_id": None, "genesis_seed": None,
                                    "metadata": None},
    "a list": [Q],
    "a string": "quicknet",
    "empty object": {},
    # drand accepts these; ours refuses (listed differences)
    "v1 hash wrong": {**Q, "hash": "00" * 32},
    "v1 hash not hex": {**Q, "hash": "zz"},
    "period missing": without(v2_of(Q), "period", "chain_hash"),
    "period 0": {**without(v2_of(Q), "chain_hash"), "period": 0},
    "period 2**32 + 3 (hashed as 3 by drand)": {**v2_of(Q), "period": 2**32 + 3},
}  # fmt: skip

LISTED = {
    "v1 hash wrong": "chain-info-v1-hash-checked",
    "v1 hash not hex": "chain-info-v1-hash-checked",
    "period missing": "chain-info-nonsense-numbers",
    "period 0": "chain-info-nonsense-numbers",
    "period 2**32 + 3 (hashed as 3 by drand)": "chain-info-nonsense-numbers",
}


@pytest.mark.parametrize("case", sorted(EDGES))
def test_edge_documents(drandref, case):
    outcome = assert_same_reading(drandref, EDGES[case])
    assert outcome == LISTED.get(case, outcome), f"{case}: expected {LISTED[case]}, got {outcome}"
    assert (outcome in LISTED.values()) == (case in LISTED), f"{case}: an unlisted case fell in {outcome}"


def test_duplicate_keys_the_last_one_wins_in_both(drandref):
    text = json.dumps(without(v2_of(Q), "chain_hash"))[:-1] + ', "period": 30}'
    assert assert_same_reading(drandref, parse_json(text), text) == "ok"


def test_go_matches_field_names_ignoring_case_ours_does_not(drandref):
    """Listed difference ``chain-info-field-name-case``: Go's encoding/json folds the case of names."""
    shouted = {key.upper(): value for key, value in v2_of(Q).items()}
    theirs = drandref.call("chain.info_unmarshal", json=json.dumps(shouted))
    assert theirs["hash"] == Q["hash"]
    assert ours_outcome(json.dumps(shouted))[0] == "refused"


# -- generated documents ---------------------------------------------------------------------------------

SCHEME_IDS = sorted(SCHEMES)


@st.composite
def chain_documents(draw, shapes: tuple[str, ...] = ("v1", "v2", "both")) -> dict[str, Any]:
    """A chain info document: a real chain's or a made-up one, in v1, v2 or a mix, then perhaps broken."""
    if draw(st.booleans()):
        v1 = copy.deepcopy(REAL[draw(st.sampled_from(sorted(REAL)))])
    else:
        scheme = scheme_by_id(draw(st.sampled_from(SCHEME_IDS)))
        key = scheme.key_group.generator() * draw(st.integers(1, 2**64))
        info = ChainInfo(
            public_key=key.to_bytes(),
            period=draw(st.one_of(st.sampled_from([1, 3, 30, 2**32 - 1]), st.integers(1, 2**32 - 1))),
            genesis_time=draw(  # the edges of int64, then plausible times
                st.one_of(st.sampled_from([0, -1, 2**63 - 1, -(2**63)]), st.integers(0, 2**34)),
            ),
            genesis_seed=draw(st.binary(max_size=40)),
            scheme=scheme,
            beacon_id=draw(
                st.one_of(st.sampled_from(["default", "quicknet", "Default", "a", " "]), st.text(max_size=8))
            ),
        )
        v1 = info.to_json()
    shape = draw(st.sampled_from(shapes))
    doc = copy.deepcopy({"v1": v1, "v2": v2_of(v1), "both": {**v1, **v2_of(v1)}}[shape])
    for _ in range(draw(st.integers(0, 3))):
        field = draw(st.sampled_from(sorted(set(v1) | set(v2_of(v1)) | {"beaconID"})))
        action = draw(st.sampled_from(["drop", "null", "number", "string", "empty", "upper", "other id"]))
        target = doc.setdefault("metadata", {}) if field == "beaconID" else doc
        if not isinstance(target, dict):
            continue
        if action == "drop":
            target.pop(field, None)
        elif action == "null":
            target[field] = None
        elif action == "number":
            target[field] = draw(st.sampled_from([0, 1, -1, 3, 2**32, 2**64]))
        elif action == "string":
            target[field] = draw(st.sampled_from(["3", "3s", "zz", "default", "bls-unchained-g1-rfc9380"]))
        elif action == "empty":
            target[field] = draw(st.sampled_from(["", {}, []]))
        elif action == "upper" and isinstance(target.get(field), str):
            target[field] = target[field].upper()
        elif action == "other id":
            target[field] = draw(st.sampled_from(["", "default", "evmnet", "fastnet"]))
    return doc


@given(doc=chain_documents())
@example(doc=REAL["quicknet"])
@example(doc={**REAL["quicknet"], "metadata": {"beaconID": "default"}})
@settings(max_examples=200)
def test_generated_documents(drandref, doc):
    event(assert_same_reading(drandref, doc))


# -- hash and writers, from fields ------------------------------------------------------------------------


@st.composite
def chain_infos(draw) -> ChainInfo:
    scheme = scheme_by_id(draw(st.sampled_from(SCHEME_IDS)))
    return ChainInfo(
        public_key=(scheme.key_group.generator() * draw(st.integers(1, 2**64))).to_bytes(),
        period=draw(st.integers(1, 2**32 - 1)),
        genesis_time=draw(st.integers(-(2**63), 2**63 - 1)),
        genesis_seed=draw(st.binary(min_size=1, max_size=40)),
        scheme=scheme,
        beacon_id=draw(st.one_of(st.sampled_from(["default", "quicknet", "Default"]), st.text(min_size=1))),
    )


def fields_of(info: ChainInfo) -> dict[str, Any]:
    return {
        "public_key": info.public_key.hex(), "scheme": info.scheme.id, "period": info.period,
        "genesis_time": info.genesis_time, "genesis_seed": info.genesis_seed.hex(),
        "beacon_id": info.beacon_id,
    }  # fmt: skip


@given(info=chain_infos())
@example(info=ChainInfo.from_json(REAL["evmnet"]))
@settings(max_examples=100)
def test_hash_and_both_json_forms_from_fields(drandref, info):
    fields = fields_of(info)
    assert drandref.call("chain.info_hash", **fields) == info.hash_hex
    assert json.loads(drandref.call("chain.info_marshal", **fields)) == info.to_json_v2()
    assert json.loads(drandref.call("chain.info_to_json", **fields)) == omit_empty(info.to_json())


def omit_empty(v1: dict[str, Any]) -> dict[str, Any]:
    """drand's v1 writer goes through the protobuf struct, whose fields are ``omitempty``: zero values are
    left out (listed difference ``chain-info-v1-omits-zero-values``; both readers take absent as zero)."""
    return {key: value for key, value in v1.items() if value not in (0, "", None)}


def test_default_beacon_id_is_written_out_by_ours(drandref):
    """Listed difference ``chain-info-default-id-written``: drand writes the id it holds, "" included."""
    info = ChainInfo.from_json(REAL["mainnet-default"])
    fields = {**fields_of(info), "beacon_id": ""}
    theirs_v2 = json.loads(drandref.call("chain.info_marshal", **fields))
    theirs_v1 = json.loads(drandref.call("chain.info_to_json", **fields))
    assert theirs_v2["beacon_id"] == "" and theirs_v1["metadata"] == {}
    assert info.to_json_v2()["beacon_id"] == "default" == info.to_json()["metadata"]["beaconID"]
    assert theirs_v2["chain_hash"] == info.hash_hex == theirs_v1["hash"]  # the same chain all the same


V2_ONLY = {"genesis_seed", "chain_hash", "scheme", "beacon_id"}


@given(doc=chain_documents(shapes=("v1",)))
@example(doc=REAL["mainnet-default"])
@example(doc=without(REAL["mainnet-default"], "schemeID"))  # what drand served before schemes existed
@settings(max_examples=100)
def test_v1_documents_read_as_go_clients_reads_them(drandref, doc):
    """go-clients' HTTP client reads ``/info`` with ``InfoFromJSON`` (the protobuf form, v1 names only):
    on documents without v2 fields ours reads the same chain, or both refuse (the listed differences
    aside: the v1 ``hash`` that ``InfoFromJSON`` decodes as hex and then ignores, and a document without
    ``schemeID``, which drand's two readers read differently)."""
    if not isinstance(doc, dict) or V2_ONLY & set(doc):
        return
    text = json.dumps(doc)
    theirs, ours = drandref.outcome("chain.info_from_json", json=text), ours_outcome(text)
    if theirs[0] == "ok" and not doc.get("schemeID"):
        # listed difference chain-info-v1-without-scheme-id: InfoFromJSON reads groupHash and metadata,
        # UnmarshalJSON (and so ours) only with a schemeID: ours reads it as UnmarshalJSON does
        event(assert_same_reading(drandref, doc, text) + " (v1 without schemeID)")
        return
    if theirs[0] != "ok":
        assert ours[0] == "refused", f"InfoFromJSON refuses ({theirs[1]}), ours accepts: {text}"
        event("refused")
    elif ours[0] != "ok":
        reason = listed_difference(doc, theirs[1])
        assert reason, f"InfoFromJSON accepts, ours refuses ({ours[1]!r}): {text}"
        event(reason)
    else:
        assert ours[1].hash_hex == theirs[1]["hash"] and ours[1].beacon_id == canonical(
            theirs[1]["beacon_id"]
        )
        event("ok")
