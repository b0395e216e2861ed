"""drand's own group file reading (``key.Load`` → ``Group.FromTOML``), ``Group.Hash`` and ``GetGenesisSeed``
against ``drand_edu.threshold.group``.

Whenever both read a file, everything drand keeps must be the same: the hash, the genesis seed (the hash
when the file has none), threshold, periods, times, scheme, beacon id, each node's index, address, key and
signature, the distributed key. drand's reading is lenient (a missing field is Go's zero value), ours
refuses files a node could not use; the files drand reads and we refuse are listed in
``tests/data/differences.toml`` (``group-file-stricter``) and asserted below, so a change on either side
shows. Everything else: both read it alike, or both refuse.
"""

from __future__ import annotations

import copy

import pytest
import tomli_w
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drand_edu.crypto import bls, identity
from drand_edu.crypto.schemes import SCHEMES, scheme_by_id
from drand_edu.errors import DrandEduError
from drand_edu.threshold.group import Group, Node
from drand_edu.threshold.poly import PubPoly
from tests.test_group_file import TESTNET_GROUP


def _group(scheme_id="pedersen-bls-chained", n=3, threshold=2, dkg=True, indices=None, **changes) -> Group:
    scheme = scheme_by_id(scheme_id)
    indices = list(range(n)) if indices is None else indices
    nodes = tuple(
        Node(
            f"node{i}.example:443",
            bls.public_key(scheme, 10 + i).to_bytes(),
            i,
            identity.self_sign(scheme, 10 + i),
        )
        for i in indices
    )
    public = (
        PubPoly.from_bytes_list(
            scheme.key_group, [bls.public_key(scheme, 100 + k).to_bytes() for k in range(threshold)]
        )
        if dkg
        else None
    )
    fields = dict(
        threshold=threshold, period=3, catchup_period=1, nodes=nodes, genesis_time=1_690_000_000,
        scheme=scheme, public_key=public,
    )  # fmt: skip
    fields.update(changes)
    return Group(**fields)


_BASE = _group().to_toml_dict()


def _drand(drandref, text: str):
    kind, result = drandref.outcome("group_load", toml=text)
    return result if kind == "ok" else None


def _ours(text: str) -> Group | None:
    try:
        return Group.from_toml(text)
    except DrandEduError:
        return None


def _assert_same(theirs: dict, ours: Group) -> None:
    assert theirs["hash"] == ours.hash().hex()
    assert theirs["genesis_seed"] == ours.get_genesis_seed().hex()
    assert theirs["threshold"] == ours.threshold
    assert theirs["period_ns"] == round(ours.period * 1e9)
    assert theirs["catchup_period_ns"] == round(ours.catchup_period * 1e9)
    assert (theirs["genesis_time"], theirs["transition_time"]) == (ours.genesis_time, ours.transition_time)
    assert (theirs["scheme"], theirs["id"]) == (ours.scheme.id, ours.beacon_id)
    nodes = sorted(ours.nodes, key=lambda n: n.index)
    assert [(n["index"], n["address"], n["key"], n["signature"]) for n in theirs["nodes"]] == [
        (n.index, n.address, n.public_key.hex(), n.signature.hex()) for n in nodes
    ]
    ours_public = [c.hex() for c in ours.public_key.to_bytes_list()] if ours.public_key else None
    assert theirs["public_key"] == ours_public


def _compare(drandref, text: str) -> str:
    """Both read ``text`` alike ("read") or both refuse it ("refused"); anything else fails."""
    theirs, ours = _drand(drandref, text), _ours(text)
    assert (theirs is None) == (ours is None), (theirs, ours)
    if ours is None:
        return "refused"
    _assert_same(theirs, ours)
    return "read"


def _variant(*path_and_value, base=None) -> str:
    """The base file with ``(path, value)`` changes; a value of ``...`` deletes the key."""
    data = copy.deepcopy(_BASE if base is None else base)
    for path, value in path_and_value:
        *parents, last = path
        table = data
        for key in parents:
            table = table[key]
        if value is ...:
            table.pop(last, None)
        else:
            table[last] = value
    return tomli_w.dumps(data)


# -- edge cases where both agree ---------------------------------------------------------------------------
AGREE = {
    "the file as we write it": ([], "read"),
    "drand's testnet group": (None, "read"),
    "no GenesisSeed: the hash is the seed": ([(("GenesisSeed",), ...)], "read"),
    "an upper-case GenesisSeed": ([(("GenesisSeed",), "AB" * 32)], "read"),
    "an odd-length GenesisSeed": ([(("GenesisSeed",), "abc")], "refused"),
    "no SchemeID: the default scheme (drand < 1.4)": ([(("SchemeID",), ...)], "read"),
    "an unknown scheme": ([(("SchemeID",), "no-such-scheme")], "refused"),
    "no ID": ([(("ID",), ...)], "read"),
    "an empty ID": ([(("ID",), "")], "read"),
    "ID 'Default' is not the default": ([(("ID",), "Default")], "read"),
    "an odd ID": ([(("ID",), "my beacon/ö \t")], "read"),
    "no CatchupPeriod": ([(("CatchupPeriod",), ...)], "read"),
    "a fractional CatchupPeriod": ([(("CatchupPeriod",), "1.5s")], "read"),
    "Period 1m": ([(("Period",), "1m")], "read"),
    "Period 1h0m0s": ([(("Period",), "1h0m0s")], "read"),
    "no PublicKey: before the DKG": ([(("PublicKey",), ...)], "read"),
    "a TransitionTime": ([(("TransitionTime",), 1_690_000_100)], "read"),
    "a negative TransitionTime": ([(("TransitionTime",), -1)], "read"),
    "a negative GenesisTime": ([(("GenesisTime",), -5)], "read"),
    "the largest GenesisTime": ([(("GenesisTime",), 2**63 - 1)], "read"),
    "an unknown key": ([(("Foo",), 1)], "read"),
    "no Threshold": ([(("Threshold",), ...)], "refused"),
    "a threshold below the minimum": ([(("Threshold",), 1)], "refused"),
    "a threshold above n": ([(("Threshold",), 4)], "refused"),
    "Threshold as a string": ([(("Threshold",), "2")], "refused"),
    "Threshold as a boolean": ([(("Threshold",), True)], "refused"),
    "Threshold as a float": ([(("Threshold",), 2.0)], "refused"),
    "no Period": ([(("Period",), ...)], "refused"),
    "Period as an integer": ([(("Period",), 3)], "refused"),
    "Period not a duration": ([(("Period",), "3 seconds")], "refused"),
    "GenesisTime as a string": ([(("GenesisTime",), "1690000000")], "refused"),
    "no Nodes": ([(("Nodes",), ...)], "refused"),
    "empty Nodes": ([(("Nodes",), [])], "refused"),
    "a node without SchemeName": ([(("Nodes", 1, "SchemeName"), ...)], "read"),
    "a node without Signature (drand < 1.5)": ([(("Nodes", 1, "Signature"), ...)], "read"),
    "a node with TLS = false (drand < 2)": ([(("Nodes", 1, "TLS"), False)], "read"),
    "a node with a short signature (not checked on load)": ([(("Nodes", 1, "Signature"), "abcd")], "read"),
    "a node signature that is not hex": ([(("Nodes", 1, "Signature"), "zz")], "refused"),
    "a node with index 7": ([(("Nodes", 1, "Index"), 7)], "read"),
    "a negative node index": ([(("Nodes", 1, "Index"), -1)], "refused"),
    "a node index beyond uint32": ([(("Nodes", 1, "Index"), 2**32)], "refused"),
    "a node without Key": ([(("Nodes", 1, "Key"), ...)], "refused"),
    "a node key one byte short": ([(("Nodes", 1, "Key"), _BASE["Nodes"][1]["Key"][:-2])], "refused"),
    "a node key at infinity": ([(("Nodes", 1, "Key"), "c0" + "00" * 47)], "read"),
    "a node key not on the curve": ([(("Nodes", 1, "Key"), "80" + "00" * 46 + "05")], "refused"),
    "a node of a scheme on another key group": (
        [(("Nodes", 1, "SchemeName"), "bls-unchained-on-g1")],
        "refused",
    ),
    "Address as an integer": ([(("Nodes", 1, "Address"), 5)], "refused"),
    "a coefficient not on the curve": ([(("PublicKey", "Coefficients", 0), "80" + "00" * 47)], "refused"),
}


@pytest.mark.parametrize("case", list(AGREE))
def test_edge_cases_both_read_alike_or_both_refuse(drandref, case):
    changes, expected = AGREE[case]
    text = TESTNET_GROUP if changes is None else _variant(*changes)
    assert _compare(drandref, text) == expected


def test_nodes_in_any_order_hash_by_index(drandref):
    data = copy.deepcopy(_BASE)
    data["Nodes"] = data["Nodes"][::-1]
    assert _compare(drandref, tomli_w.dumps(data)) == "read"
    assert _ours(tomli_w.dumps(data)).hash() == _ours(tomli_w.dumps(_BASE)).hash()


@pytest.mark.parametrize("scheme_id", sorted(SCHEMES))
def test_every_scheme(drandref, scheme_id):
    for beacon_id in ("default", "", "quicknet", "evmnet"):
        assert _compare(drandref, _group(scheme_id, beacon_id=beacon_id).to_toml()) == "read"
    # a node without SchemeName is read with the default scheme's key group: only G1-key schemes read it
    data = _group(scheme_id).to_toml_dict()
    for node in data["Nodes"]:
        node.pop("SchemeName")
    expected = (
        "read"
        if scheme_by_id(scheme_id).key_group is scheme_by_id("pedersen-bls-chained").key_group
        else "refused"
    )
    assert _compare(drandref, tomli_w.dumps(data)) == expected


def test_old_format_signatures_are_carried_not_checked(drandref):
    """A self-signature of the older format (the identity hash alone, without the scheme's name) loads in
    both and is kept byte for byte; the group hash ignores it; ``ValidSignature`` refuses it in both."""
    scheme = scheme_by_id("pedersen-bls-chained")
    public = bls.public_key(scheme, 11)
    old = bls.sign(scheme, 11, identity.identity_hash(scheme, public))
    text = _variant((("Nodes", 1, "Signature"), old.hex()))
    assert _compare(drandref, text) == "read"
    assert _ours(text).node(1).signature == old
    assert _ours(text).hash() == _ours(tomli_w.dumps(_BASE)).hash()
    kind, _ = drandref.outcome(
        "identity_valid_signature", scheme=scheme.id, key=public.to_bytes().hex(), signature=old.hex()
    )
    assert kind == "error" and not identity.valid_signature(scheme, public, old)


# -- files drand reads and we refuse (tests/data/differences.toml: group-file-stricter) --------------------
STRICTER = {
    "no GenesisTime (drand: 0)": [(("GenesisTime",), ...)],
    "Period 0s": [(("Period",), "0s")],
    "a negative Period": [(("Period",), "-3s")],
    "a fractional Period": [(("Period",), "1.5s")],
    "a node without Address": [(("Nodes", 1, "Address"), ...)],
    "a node without Index (drand: 0, a duplicate)": [(("Nodes", 1, "Index"), ...)],
    "two nodes with one index": [(("Nodes", 1, "Index"), 0)],
    "TLS not a boolean (drand ignores it)": [(("Nodes", 1, "TLS"), "yes")],
    "fewer coefficients than the threshold": [
        (("PublicKey", "Coefficients"), _BASE["PublicKey"]["Coefficients"][:1])
    ],
    "more coefficients than the threshold": [
        (("PublicKey", "Coefficients"), _BASE["PublicKey"]["Coefficients"] * 2)
    ],
    "an empty PublicKey table": [(("PublicKey",), {})],
    "a node of another scheme on the same key group": [
        (("Nodes", 1, "SchemeName"), "pedersen-bls-unchained")
    ],
}


@pytest.mark.parametrize("case", list(STRICTER))
def test_files_drand_reads_and_we_refuse(drandref, case):
    text = _variant(*STRICTER[case])
    assert _drand(drandref, text) is not None
    assert _ours(text) is None


# -- generated ----------------------------------------------------------------------------------------------
@st.composite
def groups(draw):
    scheme_id = draw(st.sampled_from(sorted(SCHEMES)))
    n = draw(st.integers(1, 5))
    threshold = draw(st.integers(n // 2 + 1, n))
    indices = draw(st.lists(st.integers(0, 2**32 - 1), min_size=n, max_size=n, unique=True))
    group = _group(
        scheme_id, n=n, threshold=threshold, indices=indices, dkg=draw(st.booleans()),
        period=draw(st.integers(1, 10**6)), catchup_period=draw(st.integers(0, 10**4)),
        genesis_time=draw(st.integers(-(2**63), 2**63 - 1)),
        transition_time=draw(st.one_of(st.just(0), st.integers(-(2**63), 2**63 - 1))),
        genesis_seed=draw(st.one_of(st.just(b""), st.binary(min_size=1, max_size=40))),
        beacon_id=draw(st.one_of(st.sampled_from(["default", "", "quicknet"]), st.text(max_size=12))),
    )  # fmt: skip
    data = group.to_toml_dict()
    if draw(st.booleans()):
        data["Nodes"] = list(reversed(data["Nodes"]))
    if not group.genesis_seed:
        data.pop("GenesisSeed")  # the file has none: drand's GetGenesisSeed falls back on the hash
    return tomli_w.dumps(data)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(text=groups())
@example(text=_group(n=1, threshold=1, dkg=False).to_toml())
def test_generated_group_files(drandref, text):
    assert _compare(drandref, text) == "read"
