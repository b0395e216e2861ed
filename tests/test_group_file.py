"""drand's group file (``common/key/group.go``): TOML round trips, the group hash, real testnet data."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from dataclasses import replace

import pytest
import tomli_w

from drand_edu.chain import ChainInfo
from drand_edu.crypto import BLS_UNCHAINED_G1_RFC9380, G1, PEDERSEN_BLS_CHAINED, PEDERSEN_BLS_UNCHAINED
from drand_edu.errors import InvalidInput, InvalidPoint, UnknownScheme
from drand_edu.rng import seeded_rng
from drand_edu.threshold.group import (
    Group,
    Node,
    dist_public_hash,
    format_go_duration,
    parse_go_duration,
)
from drand_edu.threshold.poly import PriPoly, PubPoly

# A real group file of drand's League of Entropy testnet ("default" chain, 8 nodes, threshold 7),
# copied from drand/drand common/key/group_test.go (TestLenIgnoresMissingNodes), commit f45e7e04.
TESTNET_GROUP = """Threshold = 7
Period = "25s"
CatchupPeriod = "15s"
GenesisTime = 1590445175
TransitionTime = 1684938875
GenesisSeed = "4dd408e5fdff9323c76a9b6f087ba8fdc5a6da907bd9217d9d10f2287d081957"
SchemeID = "pedersen-bls-chained"
ID = "default"

[[Nodes]]
  Address = "pl3-rpc.testnet.drand.sh:443"
  Key = "869f9e68169523c164b4fa114abd7ffd9032f94cf7662f27fd295e37fc8264f1896fee6a6366ccfe55b02e3aa42ad994"
  TLS = true
  Signature = "b45da17ea324f23c7c9cefdb715cecd0159bb7a1a54a4418a1a4a45604abf957fbdbedd31eb4703e2f4586f1d1a660760ce52b536161f2bc84678a9b45a9d5710265d9b78e9315dccfccefebc4c3bd6fbc52c69877d839d408ba560d79ab1be1"
  SchemeName = "pedersen-bls-chained"
  Index = 0

[[Nodes]]
  Address = "drand1.ethdevops.io:4444"
  Key = "8e3618936ed612d5c52841e5336168614ee38dd1bfa0901c32d6b66e638d41797213a456a005e5ee1a4436c1d61464ba"
  TLS = true
  Signature = "b5223ca31710d422bcc246e09b19027f03ac0750aed8f65e4ea882b30825d23707cd3bce5e9428f3dc29119403a602aa0cd020dc1ef353d4083caeb59c690f124688cb62b3f07848364d1c8def99931c85a6478f8619a518ef52b2aa4d23e9ac"
  SchemeName = "pedersen-bls-chained"
  Index = 2

[[Nodes]]
  Address = "drand.kencloud.com:443"
  Key = "93ada21006fd556f8467f081ce224de504e9692072e90b75eb66b4678aa7704ae6a68a2fd69701ffa4fcfa568695b4d6"
  TLS = true
  Signature = "b6f9579b5a627cdd36cc6e7e34d32de7b5bbebdc169c7036bf740e98cdbc2d95ce38fbc125a04a243cd4a7409949be7a025505a507ec0e562aeca3ee7ab722c110a3cc19ffb1a375bc5a6077cbee598725c6bad562b0d6219e71e5ecb9f389ad"
  SchemeName = "pedersen-bls-chained"
  Index = 3

[[Nodes]]
  Address = "testnet.drand.storswift.com:8269"
  Key = "994ffb0a61ac8645d3f1dac6d5e3420660a77c9e03aba62b5826a4c6721572ae7212412485000ebc5f627e203639e6bd"
  TLS = true
  Signature = "8ea2006cb860046b527c3d35fd67b030b927df3778c2bb604c10ff7b5ccd99c62550505828d0533ea77d7a677ca6dc2d0bb1f451705c4cec2703802214deb059bcf231c32fa76b7a8f56d295c025c45e76b4c0b068aa20e5a3980e85f3cb643c"
  SchemeName = "pedersen-bls-chained"
  Index = 7

[[Nodes]]
  Address = "drand-testnet.clabs.co:443"
  Key = "a602f9762292f2533b268757b9337181bedb290d3bc6768504e2573758651c0196f001eec498f2316a2022ecc4c77062"
  TLS = true
  Signature = "b1f7a05966ee6cd5bf5aff51a15e48e0a0f08abf8002d54f1f3aa754b59c9740cb71cf0ec94638312c7a7ac4a65e69f20b599e26275d46b357661c7f6ce13da1bb25977dab451b2f4d858c395653e816ae7db2cfa7323bef5c5229a19aff1a63"
  SchemeName = "pedersen-bls-chained"
  Index = 8

[[Nodes]]
  Address = "testnet0-rpc.drand.cloudflare.com:443"
  Key = "a636ccd4d5568ffb2e445a5a6326ca84326781d3d2d013fc123130e7a39fa0b87aab1798225471ea84961d5e19df2279"
  TLS = true
  Signature = "848a366ab500f71aec7cceae8d735b4e7b487dc09f243d92590d0fec35caff037e9696faa746ac5a0031b8829a6fbed91918ec5a312e689538ff69951df0cc99f01c2ae981cfc832f88ffa559bb0eddd5e9d8e3d6b9f44cc5756d514f157bce1"
  SchemeName = "pedersen-bls-chained"
  Index = 9

[[Nodes]]
  Address = "pl2-rpc.testnet.drand.sh:443"
  Key = "a6a39e3b38f02f26d096384a7ba7b9fd50f18912ccc3d50e6c83a9240774ffa418db28b3b439674e841d0b7b5a018f26"
  TLS = true
  Signature = "838970d91b5d3864c27c0f06a45c3b748da43c0ac5c62ef5c552d5cf840dd6f146a1a270787fc3bff6bc5d5a46c3ddbb08034299062cfb221672270617e4c484e749775b712c81096dc33a8c1dd9fd8ff06dee2fd63dec91f07f8f15abe6df31"
  SchemeName = "pedersen-bls-chained"
  Index = 10

[[Nodes]]
  Address = "pl1-rpc.testnet.drand.sh:443"
  Key = "b7a9f696992863f223ee67465a42054450da99883fd56cd2fd45cb9a6b52f77a0d347026dc82239a4e133b1343f71c46"
  TLS = true
  Signature = "87aa9f2ee2d9a6d03b826d90e6cf7906c4847740907b8bc869b9c7ef02eb24d0ceae5fac0cc85337b7eb27f2a9ca22250a9fabd3b6cc54db65a8813158a2680672abb8078720ebad4cbe9293441ce7685cd4b663f0244ff8186271ec9ff42b5f"
  SchemeName = "pedersen-bls-chained"
  Index = 11

[PublicKey]
  Coefficients = ["922a2e93828ff83345bae533f5172669a26c02dc76d6bf59c80892e12ab1455c229211886f35bb56af6d5bea981024df", "94355069e98565fba9785f5af8ffa209924b49aa50de8493cf7a89f317b80d6fb7537bf575c445ef37694adf13bdd84a", "84edb18a32590997ca1e6e50825ad377144146dd36e210e908f623c3bcc89320d75b96d563aaee0046cd292b570e0e9b", "a4249d6afa8bfa0f547568898b84c8fb15798c931bec168c904c76fc483ccb3fa6b50ad78882c0264f82d776071f7d48", "b1ba1d6e257272454e72f4aa9ca1953146b2bc832f093ca7410fa0f8e0b472ed41f61e4541ab55d8d664969ec00239ce", "8ca06d4afd25f6c652f012464de5a899d87079eff8cd79dd8c1b849dc2336e670337ee5840bd0963c82ff9ef1ba37b91", "b2e0335face7ebe436d00b4851e5e447c2158084b0ee8a22f585dcefa6e941b5513e08ca9e69404b2981d8c6dc29ce77"]
"""  # noqa: E501 (real hex keys and signatures)
# The chain this group runs, as published: drand's docs ("pl-us.testnet.drand.sh/chains": the
# "default testnet launched in May 2020") and filecoin lotus build/drand.go (DrandTestnet ChainInfoJSON):
# public_key 922a2e93…, period 25, genesis_time 1590445175, groupHash 4dd408e5…
TESTNET_CHAIN_HASH = "84b2234fb34e835dccd048255d7ad3194b81af7d978c3bf157e3469592ae4e02"
TESTNET_GROUP_HASH = "4dd408e5fdff9323c76a9b6f087ba8fdc5a6da907bd9217d9d10f2287d081957"


def make_group(scheme=PEDERSEN_BLS_CHAINED, n: int = 4, t: int = 3, *, with_key: bool = True, **kw) -> Group:
    rng = seeded_rng(f"group-{scheme.id}-{n}")
    g = scheme.key_group.generator()
    nodes = tuple(
        Node(f"127.0.0.1:{9000 + i}", (g * (1000 + i)).to_bytes(), i, signature=bytes([i]) * 8)
        for i in range(n)
    )
    public = PriPoly.random(t, rng=rng).commit(scheme.key_group) if with_key else None
    fields = dict(
        threshold=t,
        period=3,
        catchup_period=1.5,
        nodes=nodes,
        genesis_time=1_700_000_000,
        scheme=scheme,
        beacon_id="edu",
        public_key=public,
    )
    fields.update(kw)
    return Group(**fields)


# -- real data --------------------------------------------------------------------------------
def test_real_testnet_group_file() -> None:
    group = Group.from_toml(TESTNET_GROUP)
    assert (group.threshold, group.period, group.catchup_period) == (7, 25, 15)
    assert (group.genesis_time, group.transition_time) == (1590445175, 1684938875)
    assert group.genesis_seed.hex() == TESTNET_GROUP_HASH
    assert group.scheme is PEDERSEN_BLS_CHAINED and group.beacon_id == "default"
    assert [n.index for n in group.nodes] == [0, 2, 3, 7, 8, 9, 10, 11]  # indices need not be contiguous
    assert len(group) == 8
    first = group.node(0)
    assert first is not None and first.address == "pl3-rpc.testnet.drand.sh:443" and first.tls is True
    assert first.public_key.hex().startswith("869f9e68") and len(first.signature) == 96
    assert group.find(first.public_key) == first and group.node(1) is None
    assert group.public_key is not None and group.public_key.threshold == 7


def test_real_testnet_group_gives_the_published_chain_hash() -> None:
    info = ChainInfo.from_group(Group.from_toml(TESTNET_GROUP))
    assert isinstance(info, ChainInfo)
    assert info.public_key.hex().startswith("922a2e93828ff833")
    assert info.genesis_seed.hex() == TESTNET_GROUP_HASH
    assert info.hash().hex() == TESTNET_CHAIN_HASH


def test_real_group_round_trips() -> None:
    group = Group.from_toml(TESTNET_GROUP)
    text = group.to_toml()
    assert Group.from_toml(text) == group
    assert Group.from_toml(text).hash() == group.hash()
    # the same TOML document as drand's, key for key
    assert tomllib.loads(text) == tomllib.loads(TESTNET_GROUP)


# -- layout -----------------------------------------------------------------------------------
def test_toml_layout_uses_drands_names() -> None:
    group = make_group()
    text = group.to_toml()
    assert "[[Nodes]]" in text and "[PublicKey]" in text
    data = tomllib.loads(text)
    assert list(data) == [
        "Threshold",
        "Period",
        "CatchupPeriod",
        "GenesisTime",
        "GenesisSeed",
        "SchemeID",
        "ID",
        "Nodes",
        "PublicKey",
    ]  # TransitionTime omitted when 0, like drand
    assert data["Period"] == "3s" and data["CatchupPeriod"] == "1.5s"
    assert data["SchemeID"] == "pedersen-bls-chained" and data["ID"] == "edu"
    assert list(data["Nodes"][1]) == ["Address", "Key", "Signature", "SchemeName", "Index"]
    assert data["Nodes"][1]["Key"] == group.nodes[1].public_key.hex()
    assert data["Nodes"][1]["Signature"] == "01" * 8
    assert data["PublicKey"]["Coefficients"] == [c.hex() for c in group.public_key.to_bytes_list()]
    assert data["GenesisSeed"] == group.hash().hex()  # no seed yet: drand's GetGenesisSeed uses the hash


@pytest.mark.parametrize("scheme", [PEDERSEN_BLS_CHAINED, BLS_UNCHAINED_G1_RFC9380], ids=lambda s: s.id)
def test_round_trip_and_files(scheme, tmp_path) -> None:
    group = make_group(scheme, transition_time=1_700_000_300, genesis_seed=b"\x11" * 32)
    assert Group.from_toml(group.to_toml()) == group
    path = tmp_path / "group.toml"
    group.save(path)
    assert Group.load(path) == group
    without_key = make_group(scheme, with_key=False)
    again = Group.from_toml(without_key.to_toml())
    assert again.public_key is None
    assert again.genesis_seed == without_key.hash()  # the seed got fixed when written, as in drand
    assert again.hash() == without_key.hash()


def test_chain_info_fields() -> None:
    group = make_group(BLS_UNCHAINED_G1_RFC9380)
    fields = group.chain_info_fields()
    assert fields["public_key"] == group.public_key.commit().to_bytes()
    info = ChainInfo.from_group(group)
    assert info == ChainInfo(**fields)
    assert (info.period, info.genesis_time, info.scheme, info.beacon_id) == (
        3,
        1_700_000_000,
        BLS_UNCHAINED_G1_RFC9380,
        "edu",
    )
    assert info.genesis_seed == group.hash()
    with pytest.raises(InvalidInput, match="DKG"):
        ChainInfo.from_group(make_group(with_key=False))


def test_threshold_package_does_not_import_the_chain_layer() -> None:
    code = "import sys, drand_edu.threshold; print(any(m.startswith('drand_edu.chain') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the group hash ---------------------------------------------------------------------------
def expected_group_hash(group: Group) -> bytes:
    """drand common/key/group.go Group.Hash, restated independently with struct-like packing."""
    h = hashlib.blake2b(digest_size=32)
    for node in sorted(group.nodes, key=lambda n: n.index):
        h.update(hashlib.blake2b(node.index.to_bytes(4, "little") + node.public_key, digest_size=32).digest())
    h.update(group.threshold.to_bytes(4, "little"))
    h.update(group.genesis_time.to_bytes(8, "little"))
    if group.transition_time:
        h.update(group.transition_time.to_bytes(8, "little"))
    if group.public_key is not None:
        h.update(hashlib.blake2b(b"".join(group.public_key.to_bytes_list()), digest_size=32).digest())
    if group.beacon_id not in ("", "default"):
        h.update(group.beacon_id.encode())
    return h.digest()


def test_group_hash_recipe() -> None:
    for group in (
        make_group(),
        make_group(with_key=False, beacon_id="default"),
        make_group(transition_time=1_700_000_900),
        Group.from_toml(TESTNET_GROUP),
    ):
        assert group.hash() == expected_group_hash(group)
        assert len(group.hash()) == 32
    assert (
        dist_public_hash(make_group().public_key)
        == hashlib.blake2b(b"".join(make_group().public_key.to_bytes_list()), digest_size=32).digest()
    )


def test_group_hash_covers_what_drand_covers() -> None:
    base = make_group()
    same = [
        replace(base, nodes=tuple(reversed(base.nodes))),  # order: the hash sorts by index
        replace(base, period=30, catchup_period=0, genesis_seed=b"x", scheme=PEDERSEN_BLS_UNCHAINED),
        replace(
            base, nodes=tuple(Node("elsewhere:1", n.public_key, n.index, b"", tls=True) for n in base.nodes)
        ),
    ]
    for other in same:
        assert other.hash() == base.hash()
    different = [
        {"threshold": 4, "public_key": PriPoly.random(4, rng=seeded_rng(9)).commit(G1)},
        {"genesis_time": base.genesis_time + 1},
        {"transition_time": 5},
        {"public_key": PriPoly.random(3, rng=seeded_rng(10)).commit(G1)},
        {"public_key": None},
        {"beacon_id": "default"},
        {"nodes": (*base.nodes[:3], Node("x", base.nodes[0].public_key, 3))},
    ]
    for change in different:
        assert replace(base, **change).hash() != base.hash(), change
    assert make_group(beacon_id="").hash() == make_group(beacon_id="default").hash()
    assert make_group(beacon_id="").beacon_id == "default"


# -- Go durations -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (30, "30s"),
        (0, "0s"),
        (60, "1m0s"),
        (90, "1m30s"),
        (3600, "1h0m0s"),
        (7322, "2h2m2s"),
        (1.5, "1.5s"),
        (0.5, "500ms"),
        (12.25, "12.25s"),
        (0.0015, "1.5ms"),
    ],
)
def test_go_durations(seconds: float, text: str) -> None:
    # Go: (30*time.Second).String() == "30s", time.Minute.String() == "1m0s", ...
    assert format_go_duration(seconds) == text
    assert parse_go_duration(text) == pytest.approx(seconds)


def test_go_duration_parsing_extras() -> None:
    assert parse_go_duration("1h") == 3600 and parse_go_duration("1.5m") == 90
    assert parse_go_duration("0") == 0 and parse_go_duration("-2s") == -2
    for bad in ("", "30", "s", "30 s", "3x", "1h-2m"):
        with pytest.raises(InvalidInput):
            parse_go_duration(bad)
    with pytest.raises(InvalidInput):
        parse_go_duration(30)  # type: ignore[arg-type]


# -- bad input --------------------------------------------------------------------------------
def small_toml(**changes) -> str:
    data = tomllib.loads(make_group().to_toml())
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return tomli_w.dumps(data)


def test_defaults_of_old_files() -> None:
    group = Group.from_toml(small_toml(SchemeID=None, ID=None, CatchupPeriod=None, GenesisSeed=None))
    assert group.scheme is PEDERSEN_BLS_CHAINED  # drand < 1.4 wrote no SchemeID
    assert group.beacon_id == "default" and group.catchup_period == 0 and group.genesis_seed == b""


@pytest.mark.parametrize("missing", ["Threshold", "Period", "Nodes", "GenesisTime"])
def test_missing_fields(missing: str) -> None:
    with pytest.raises(InvalidInput, match=missing):
        Group.from_toml(small_toml(**{missing: None}))


@pytest.mark.parametrize(
    "changes",
    [
        {"Threshold": "3"},
        {"Threshold": 1},  # below drand's minimum (4 nodes → 3)
        {"Threshold": 5},  # more than the nodes
        {"Period": "abc"},
        {"Period": "1.5s"},
        {"Period": "0s"},
        {"Period": 3},
        {"CatchupPeriod": "soon"},
        {"GenesisTime": "1700000000"},
        {"GenesisSeed": "zz"},
        {"PublicKey": {"Coefficients": ["nothex"]}},
        {"PublicKey": {"Coefficients": []}},
        {"PublicKey": {"Coefficients": ["c" + "0" * 95]}},  # the identity alone: 1 coefficient, t=3
        {"Nodes": []},
        {"Nodes": "everyone"},
        {"ID": 7},
    ],
)
def test_bad_values_are_invalid_input(changes: dict) -> None:
    with pytest.raises(InvalidInput):
        Group.from_toml(small_toml(**changes))


def test_bad_nodes() -> None:
    base = tomllib.loads(make_group().to_toml())

    def with_node(**node_changes) -> str:
        data = {**base, "Nodes": [dict(n) for n in base["Nodes"]]}
        data["Nodes"][0].update(node_changes)
        for key, value in node_changes.items():
            if value is None:
                data["Nodes"][0].pop(key)
        return tomli_w.dumps(data)

    for changes in (
        {"Key": "xyz"},
        {"Signature": "abc"},
        {"Index": 1},
        {"Index": -1},
        {"TLS": "yes"},
        {"SchemeName": "bls-unchained-g1-rfc9380"},
        {"Key": None},
        {"Address": None},
        {"Index": None},
        {"Key": "ab" * 48},
    ):
        with pytest.raises(InvalidInput):
            Group.from_toml(with_node(**changes))
    with pytest.raises(InvalidPoint):  # right length, not on the curve
        Group.from_toml(with_node(Key="8" + "1" * 95))
    with pytest.raises(UnknownScheme):
        Group.from_toml(small_toml(SchemeID="pedersen-bls-bogus"))


@pytest.mark.parametrize("text", ["Threshold = ", "[[Nodes]\n", "Threshold = 3\nThreshold = 4", "\x00"])
def test_malformed_toml(text: str) -> None:
    with pytest.raises(InvalidInput, match="TOML"):
        Group.from_toml(text)


def test_bad_construction() -> None:
    group = make_group()
    with pytest.raises(InvalidInput):
        make_group(nodes=())
    with pytest.raises(InvalidInput):
        make_group(threshold=0)
    with pytest.raises(InvalidInput):
        make_group(period=0)
    with pytest.raises(InvalidInput):
        make_group(public_key=PubPoly(G1, group.public_key.commits[:2]))
    with pytest.raises(InvalidInput):  # keys of the wrong size for the scheme
        make_group(BLS_UNCHAINED_G1_RFC9380, nodes=group.nodes)
    with pytest.raises(InvalidInput):
        Node("a", b"\x00" * 48, 2**32)
    assert "Group(n=4" in repr(group) and "Node(index=0" in repr(group.nodes[0])
