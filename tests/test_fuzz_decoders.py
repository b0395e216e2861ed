"""Property-based fuzzing of every decoder of outside bytes: only drand_edu's own errors come out.

Each test feeds one decoder generated input — random bytes, random JSON, and real files with one
field replaced or a few bytes flipped — and asserts that it either succeeds or raises a
:class:`~drand_edu.errors.DrandEduError`, never a ``TypeError``, ``OverflowError``,
``UnicodeDecodeError`` or a crash.

How many cases, within CI time: hypothesis draws ``FUZZ_EXAMPLES`` examples per test (default 200; a
fifth of it where one case does curve arithmetic or runs a whole command), and each example feeds
its decoder the case hypothesis drew plus :data:`CASES` − 1 more made from a seed it drew by a plain
``random.Random`` mutator (:func:`fast_json`, :func:`fast_mutated`, :func:`fast_flipped`), which costs
a few microseconds a case where hypothesis' own generation costs milliseconds. So every decoder gets
thousands of cases (:data:`CASES` × examples), hypothesis still explores and shrinks the structured
ones, and the run is reproducible: ``derandomize=True`` and no example database, so CI runs the same
cases every time. ``FUZZ_EXAMPLES=2000`` for a long run.
"""

from __future__ import annotations

import base64
import json
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drand_edu.chain.beacon import Beacon
from drand_edu.chain.info import ChainInfo
from drand_edu.errors import DrandEduError, parse_json
from drand_edu.net.messages import from_bytes
from drand_edu.threshold.group import Group
from drand_edu.tlock import age
from drand_edu.tlock.timelock import decrypt, read_stanza

DATA = Path(__file__).parent / "data"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
#: cases per hypothesis example: the one it drew and CASES - 1 from a seeded fast mutator
CASES = 10
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
SLOW = settings(FUZZ, max_examples=max(10, EXAMPLES // 5))

QUICKNET = json.loads((DATA / "beacons-quicknet.json").read_text())
INFO = QUICKNET["info"]
BEACON = QUICKNET["beacons"][0]
TLOCK = json.loads((DATA / "tlock-quicknet-go-r12040883.json").read_text())
ARMORED = TLOCK["ciphertext"].encode()
BINARY = age.dearmor(ARMORED)

#: any JSON value, nested a little, with the awkward ones (huge ints, bools, floats, odd strings)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=2**63 - 2, max_value=2**70)
    | st.floats(allow_nan=False) | st.text(max_size=20) | st.sampled_from(["", "0x", "30s", "²", "default"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


#: values that broke decoders before (huge ints, bools for ints, floats, digits that are not ASCII)
AWKWARD = [None, True, False, 0, -1, 1.5, -0.0, 1e308, 2**63, 2**64, 2**70, -(2**64), "", "0x", "30s", "²",
           "default", "ab" * 16, "00" * 48, "1e3", " 5", "\x00", [], {}]  # fmt: skip
KEYS = ["round", "signature", "public_key", "period", "genesis_time", "hash", "scheme", "kind", "x", ""]


def seeded(data: st.DataObject) -> random.Random:
    """A fast generator for the example's extra cases, seeded by hypothesis (so reproducible)."""
    return random.Random(data.draw(st.integers(0, 2**32 - 1)))


def fast_json(rng: random.Random, depth: int = 0) -> object:
    """Any JSON value, as :data:`json_values` but made by ``rng`` in microseconds."""
    roll = rng.random()
    if depth < 3 and roll < 0.15:
        return [fast_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    if depth < 3 and roll < 0.3:
        return {rng.choice(KEYS): fast_json(rng, depth + 1) for _ in range(rng.randrange(4))}
    if roll < 0.55:
        return rng.choice(AWKWARD)
    if roll < 0.7:
        return rng.randint(-(2**70), 2**70)
    if roll < 0.9:
        return "".join(chr(rng.randrange(0x20, 0x300)) for _ in range(rng.randrange(12)))
    return rng.random() * 10 ** rng.randrange(0, 300)


def fast_mutated(base: dict, rng: random.Random) -> dict:
    """:func:`mutated`, made by ``rng``."""
    out = dict(base)
    for _ in range(rng.randint(1, 3)):
        key = rng.choice([*base, "metadata", "hash", "scheme"])
        if rng.random() < 0.3:
            out.pop(key, None)
        else:
            out[key] = fast_json(rng)
    return out


def fast_flipped(blob: bytes, rng: random.Random) -> bytes:
    """:func:`flipped`, made by ``rng``."""
    out = bytearray(blob)
    for _ in range(rng.randint(1, 4)):
        action = rng.random()
        at = rng.randrange(len(out)) if out else 0
        if action < 0.5 and out:
            out[at] = rng.randrange(256)
        elif action < 0.7:
            del out[at:]
        else:
            out[at:at] = rng.choice([b"9" * 5000, rng.randbytes(rng.randint(1, 8))])
    return bytes(out)


def typed_only(decode, *args) -> None:
    """Run a decoder: success, or one of ours."""
    try:
        decode(*args)
    except DrandEduError:
        pass


def mutated(base: dict, data: st.DataObject) -> dict:
    """``base`` with one to three fields replaced by any JSON value (or removed)."""
    out = dict(base)
    for _ in range(data.draw(st.integers(1, 3))):
        key = data.draw(st.sampled_from([*base, "metadata", "hash", "scheme"]))
        if data.draw(st.booleans()):
            out.pop(key, None)
        else:
            out[key] = data.draw(json_values)
    return out


def flipped(blob: bytes, data: st.DataObject) -> bytes:
    """``blob`` with a few bytes changed, cut, or inserted."""
    out = bytearray(blob)
    for _ in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(["set", "cut", "insert"]))
        at = data.draw(st.integers(0, max(len(out) - 1, 0)))
        if action == "set" and out:
            out[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del out[at:]
        else:
            out[at:at] = data.draw(st.binary(min_size=1, max_size=8) | st.just(b"9" * 5000))
    return bytes(out)


# -- JSON --------------------------------------------------------------------------------------------
@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_parse_json(blob: bytes) -> None:
    typed_only(parse_json, blob)
    rng = random.Random(blob)
    for _ in range(CASES - 1):
        typed_only(parse_json, fast_flipped(json.dumps(fast_json(rng)).encode(), rng))


# -- chain info, beacons, beacon lists -----------------------------------------------------------------
@FUZZ
@given(st.data())
def test_chain_info(data: st.DataObject) -> None:
    typed_only(ChainInfo.from_json, mutated(INFO, data))
    typed_only(ChainInfo.from_json, data.draw(json_values))
    rng = seeded(data)
    for _ in range(CASES - 1):
        typed_only(ChainInfo.from_json, fast_mutated(INFO, rng))
        typed_only(ChainInfo.from_json, fast_json(rng))


@FUZZ
@given(st.data())
def test_beacon(data: st.DataObject) -> None:
    typed_only(Beacon.from_json, mutated(BEACON, data))
    typed_only(Beacon.from_json, data.draw(json_values))
    rng = seeded(data)
    for _ in range(CASES - 1):
        typed_only(Beacon.from_json, fast_mutated(BEACON, rng))
        typed_only(Beacon.from_json, fast_json(rng))


@pytest.fixture(scope="module")
def cli_folder(tmp_path_factory) -> Path:
    """One folder for the command fuzzers' files, rewritten by each case (no folder per example)."""
    return tmp_path_factory.mktemp("cli")


def run_command(capsys, argv: list[str]) -> None:
    """``drand-edu ARGV``: exit 0, 1 or 2 and at most one line on stderr, never a traceback, never
    the one-line catch-all of a bug (``internal error``)."""
    from drand_edu.cli import main

    code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 1, 2), (argv, code)
    assert "internal error" not in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) <= 1, err


@SLOW
@given(st.data())
def test_verify_command_on_malformed_files(cli_folder: Path, capsys, data: st.DataObject) -> None:
    """``drand-edu verify``: exit 0, 1 or 2 and one line of error, never a traceback."""
    info, beacons = cli_folder / "info.json", cli_folder / "beacons.json"
    rng = seeded(data)
    for case in range(CASES):
        choice = (
            data.draw(st.sampled_from(["info", "beacons", "bytes"]))
            if not case
            else rng.choice(["info", "beacons", "bytes"])
        )
        mutate = (lambda base: mutated(base, data)) if not case else (lambda base: fast_mutated(base, rng))
        info.write_text(json.dumps(mutate(INFO) if choice == "info" else INFO))
        if choice == "beacons":
            beacons.write_text(json.dumps([mutate(BEACON), BEACON][: rng.randint(1, 2)]))
        else:
            blob = json.dumps([BEACON]).encode()
            beacons.write_bytes(flipped(blob, data) if not case else fast_flipped(blob, rng))
        run_command(capsys, ["verify", "--info", str(info), str(beacons), "--quiet"])


# -- node messages (the peer port's bodies) ------------------------------------------------------------
@FUZZ
@given(st.data())
def test_node_messages(data: st.DataObject) -> None:
    base = {"kind": "partial", "round": 3, "previous_signature": "ab", "partial_sig": "00" * 10}
    typed_only(from_bytes, json.dumps(mutated(base, data)).encode())
    typed_only(from_bytes, data.draw(st.binary(max_size=100)))
    rng = seeded(data)
    for _ in range(CASES - 1):
        typed_only(from_bytes, json.dumps(fast_mutated(base, rng)).encode())
        typed_only(from_bytes, fast_flipped(json.dumps(base).encode(), rng))


# -- group TOML ----------------------------------------------------------------------------------------
GROUP_TOML = """Threshold = 2
Period = "3s"
CatchupPeriod = "1s"
GenesisTime = 1700000000
TransitionTime = 1700000000
GenesisSeed = "00"
SchemeID = "pedersen-bls-chained"
ID = "default"

[[Nodes]]
Address = "127.0.0.1:1"
Key = "{key}"
TLS = false
Signature = ""
Index = 0

[[Nodes]]
Address = "127.0.0.1:2"
Key = "{key}"
TLS = false
Signature = ""
Index = 1
"""


@pytest.fixture(scope="module")
def group_toml() -> bytes:
    from drand_edu.crypto import bls
    from drand_edu.crypto.schemes import scheme_by_id
    from drand_edu.rng import seeded_rng

    key = bls.keygen(scheme_by_id("pedersen-bls-chained"), rng=seeded_rng(1)).public.to_bytes().hex()
    return GROUP_TOML.format(key=key).encode()


@FUZZ
@given(st.data())
def test_group_toml(group_toml: bytes, data: st.DataObject) -> None:
    blob = flipped(group_toml, data)
    typed_only(lambda: Group.from_toml(blob.decode("utf-8", "replace")))
    typed_only(lambda: Group.from_toml(data.draw(st.text(max_size=100))))
    rng = seeded(data)
    for _ in range(CASES - 1):
        text = fast_flipped(group_toml, rng).decode("utf-8", "replace")
        typed_only(lambda text=text: Group.from_toml(text))


# -- key and share files ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def key_folder(tmp_path_factory, group_toml) -> Path:
    from drand_edu.crypto.schemes import scheme_by_id
    from drand_edu.node.key_store import FileStore
    from drand_edu.rng import seeded_rng
    from drand_edu.threshold.poly import PriShare

    folder = tmp_path_factory.mktemp("keys")
    keys = FileStore.generate(scheme_by_id("pedersen-bls-chained"), rng=seeded_rng(2), address="127.0.0.1:1")
    group = Group.from_toml(group_toml.decode())
    keys.with_share(PriShare(0, 12345), group).save(folder)
    return folder


@SLOW
@given(st.data())
def test_key_and_share_files(key_folder: Path, data: st.DataObject) -> None:
    from drand_edu.node.key_store import PRIVATE_FILE, PUBLIC_FILE, SHARE_FILE, FileStore

    folder = key_folder / "multibeacon" / "default"
    name = data.draw(st.sampled_from([PRIVATE_FILE, PUBLIC_FILE, SHARE_FILE]))
    original = (folder / name).read_bytes()
    rng = seeded(data)
    try:
        (folder / name).write_bytes(flipped(original, data))
        typed_only(FileStore.load, key_folder)
        for _ in range(CASES - 1):
            (folder / name).write_bytes(fast_flipped(original, rng))
            typed_only(FileStore.load, key_folder)
    finally:
        (folder / name).write_bytes(original)


# -- age / tlock ----------------------------------------------------------------------------------------
@FUZZ
@given(st.data())
def test_age_binary(data: st.DataObject) -> None:
    blob = flipped(BINARY, data)
    typed_only(read_stanza, blob)
    typed_only(age.parse_file, blob)
    rng = seeded(data)
    for _ in range(CASES - 1):
        blob = fast_flipped(BINARY, rng)
        typed_only(read_stanza, blob)
        typed_only(age.parse_file, blob)


@FUZZ
@given(st.data())
def test_age_armored(data: st.DataObject) -> None:
    typed_only(read_stanza, flipped(ARMORED, data))
    lines = BINARY.split(b"\n")
    at = data.draw(st.integers(0, len(lines) - 1))
    lines[at] = data.draw(st.binary(max_size=80) | st.just(b"-> tlock " + b"7" * 5000 + b" " + b"ab" * 32))
    typed_only(read_stanza, age.armor(b"\n".join(lines)))
    rng = seeded(data)
    for _ in range(CASES - 1):
        typed_only(read_stanza, fast_flipped(ARMORED, rng))


def test_tlock_decrypt_with_a_real_beacon_and_tampered_files() -> None:
    info = ChainInfo.from_json(INFO)
    beacon = Beacon(int(TLOCK["round"]), bytes.fromhex(TLOCK["signature"]))
    assert decrypt(ARMORED, info, {beacon.round: beacon}.get) == TLOCK["plaintext"].encode()
    for position in range(0, len(BINARY), max(1, len(BINARY) // 150)):
        tampered = bytearray(BINARY)
        tampered[position] ^= 0x01
        typed_only(decrypt, bytes(tampered), info, {beacon.round: beacon}.get)


def test_age_mac_line_accepts_only_canonical_base64() -> None:
    header, _, rest = BINARY.partition(b"\n--- ")
    mac_text, _, payload = rest.partition(b"\n")
    assert len(mac_text) == 43  # 32 bytes: the last character carries 4 unused low bits
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(mac_text[-1:])
    for stray in range(1, 4):  # same bytes, other spelling: Go's age (Strict()) refuses it
        other = mac_text[:-1] + alphabet[last ^ stray : (last ^ stray) + 1]
        assert base64.b64decode(other + b"=") == base64.b64decode(mac_text + b"=")
        with pytest.raises(DrandEduError, match="non-canonical"):
            age.parse_file(header + b"\n--- " + other + b"\n" + payload)
    age.parse_file(BINARY)  # the canonical one is fine


@SLOW
@given(st.data())
def test_tlock_decrypt_command_on_malformed_files(cli_folder: Path, capsys, data: st.DataObject) -> None:
    """``drand-edu tlock decrypt``: a 5,000-digit round, a flipped byte, a cut file: never a traceback."""
    (cli_folder / "tlock-info.json").write_text(json.dumps(INFO))
    beacon = {"round": int(TLOCK["round"]), "signature": TLOCK["signature"]}
    (cli_folder / "tlock-beacons.json").write_text(json.dumps([beacon]))
    argv = ["tlock", "decrypt", "--chain-info", str(cli_folder / "tlock-info.json"), "--beacons"]
    argv += [
        str(cli_folder / "tlock-beacons.json"),
        str(cli_folder / "in.age"),
        "-o",
        str(cli_folder / "out"),
    ]
    rng = seeded(data)
    for case in range(CASES):
        if not case:
            blob = flipped(data.draw(st.sampled_from([ARMORED, BINARY])), data)
        else:
            blob = fast_flipped(rng.choice([ARMORED, BINARY]), rng)
        (cli_folder / "in.age").write_bytes(blob)
        run_command(capsys, argv)


# -- HTTP request lines and headers (the peer port, live) ----------------------------------------------
@pytest.fixture(scope="module")
def peer_port():
    from drand_edu.net.http_transport import HttpNetwork

    node = HttpNetwork(0, {})
    yield node
    node.close()


header_text = st.text(st.characters(min_codepoint=32, max_codepoint=0x24F), max_size=12)
lengths = st.one_of(
    st.integers(0, 40).map(str),
    st.sampled_from(["-1", "abc", "", "99999999999999", "²", "1e3", " 5", "0x10"]),
)


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "G\x00T", "POST "]) | header_text,
    path=st.sampled_from(["/protocol", "/identity", "/"]) | header_text.map(lambda t: "/" + t),
    length=st.none() | lengths,
    sender=st.none() | st.sampled_from(["1", "-1", "²", "99999999999", "x"]) | header_text,
    extra=st.lists(st.tuples(header_text, header_text), max_size=3),
    body=st.binary(max_size=40) | st.just(b'{"kind": "sync", "from_round": 1}'),
)
def test_http_requests_always_get_an_http_answer(
    peer_port, method, path, length, sender, extra, body
) -> None:
    send_and_expect_an_answer(peer_port, build_request(method, path, length, sender, extra, body))
    rng = random.Random(repr((method, path, length, sender, extra, body)))
    for _ in range(CASES - 1):
        pick = [
            rng.choice(["GET", "POST", "PUT", "G\x00T", "POST ", "", "\u0100"]),
            rng.choice(["/protocol", "/identity", "/", "/\u00b2"]),
        ]
        pick.append(
            rng.choice([None, str(rng.randint(0, 40)), "-1", "abc", "", "99999999999999", "\u00b2", " 5"])
        )
        pick.append(rng.choice([None, "1", "-1", "\u00b2", "99999999999", "x"]))
        pick.append(
            [
                ("".join(chr(rng.randrange(32, 0x250)) for _ in range(rng.randrange(8))), "v")
                for _ in range(rng.randrange(3))
            ]
        )
        pick.append(rng.choice([rng.randbytes(rng.randrange(40)), b'{"kind": "sync", "from_round": 1}']))
        send_and_expect_an_answer(peer_port, build_request(*pick))


def build_request(
    method: str, path: str, length: str | None, sender: str | None, extra, body: bytes
) -> bytes:
    """The raw bytes of one request (``Content-Length`` as given; that many body bytes when it is small)."""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if length is not None:
        head.append(f"Content-Length: {length}")
        declared = length.strip()  # a server strips the header's white space
        if declared.isascii() and declared.isdigit() and int(declared) <= 1000:  # send that many bytes
            body = body[: int(declared)].ljust(int(declared), b" ")
    if sender is not None:
        head.append(f"X-Drand-Edu-From: {sender}")
    head += [f"{name}: {value}" for name, value in extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8", "surrogatepass") + body


def send_and_expect_an_answer(peer_port, raw: bytes) -> None:
    import socket

    host, port = peer_port.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(raw)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1."), (raw[:200], answer[:100])
