"""tlock: real ciphertexts from Go tlock and tlock-js decrypt; ours round-trip; tampering is caught."""

from __future__ import annotations

import pytest

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.errors import (
    ChainMismatch,
    InvalidBeacon,
    InvalidCiphertext,
    InvalidInput,
    TimelockError,
    TooEarly,
)
from drand_edu.rng import seeded_rng
from drand_edu.tlock import age, ibe, timelock

from .conftest import load_vector

REAL_VECTORS = [
    "tlock-quicknet-go-r12040883.json",
    "tlock-quicknet-tlockjs-r12040883.json",
    "tlock-testnet-unchained-3s-tlockjs-r1.json",
]
CUSTOM_VECTORS = [
    f"tlock-custom-{scheme}-r{r}.json"
    for scheme in ("bls-unchained-g1-rfc9380", "bls-unchained-on-g1", "pedersen-bls-unchained")
    for r in (1000, 123456)
]


def vector_chain(vector: dict) -> tuple[ChainInfo, Beacon]:
    info = ChainInfo(
        public_key=bytes.fromhex(vector["public_key"]),
        period=vector["period"],
        genesis_time=vector["genesis_time"],
        genesis_seed=b"",
        scheme=scheme_by_id(vector["scheme"]),
        beacon_id=vector.get("beacon_id", "default"),
    )
    return info, Beacon(vector["round"], bytes.fromhex(vector["signature"]))


@pytest.mark.parametrize("name", REAL_VECTORS + CUSTOM_VECTORS)
def test_decrypts_real_ciphertexts(name: str) -> None:
    vector = load_vector(name)
    info, beacon = vector_chain(vector)
    plaintext = timelock.decrypt(vector["ciphertext"], info, lambda r: beacon, strict=False)
    assert plaintext == vector["plaintext"].encode()


def test_go_vector_file_key_and_stanza() -> None:
    vector = load_vector("tlock-quicknet-go-r12040883.json")
    info, beacon = vector_chain(vector)
    stanza = timelock.read_stanza(vector["ciphertext"])
    assert stanza.round == 12040883
    assert stanza.chain_hash.hex() == vector["chain_hash"]
    body = ibe.Ciphertext.from_bytes(info.scheme, stanza.body)
    signature = info.scheme.sig_group.from_bytes(beacon.signature)
    assert ibe.decrypt(info.scheme, signature, body).hex() == vector["expected_file_key"]


def test_real_quicknet_strict_chain_hash() -> None:
    """With quicknet's full chain info the stanza's chain hash matches and strict mode decrypts."""
    real = load_vector("beacons-quicknet.json")
    info = ChainInfo.from_json(real["info"])
    vector = load_vector("tlock-quicknet-go-r12040883.json")
    beacon = Beacon(vector["round"], bytes.fromhex(vector["signature"]))
    assert timelock.decrypt(vector["ciphertext"], info, lambda r: beacon) == b"hello world"


def test_py_ecc_backend_decrypts_real_quicknet(backend: str) -> None:
    vector = load_vector("tlock-quicknet-go-r12040883.json")
    info, beacon = vector_chain(vector)
    assert timelock.decrypt(vector["ciphertext"], info, lambda r: beacon, strict=False) == b"hello world"


def make_chain(scheme_id: str, seed: int = 7) -> tuple[ChainInfo, int]:
    scheme = scheme_by_id(scheme_id)
    keys = bls.keygen(scheme, rng=seeded_rng(seed))
    info = ChainInfo(keys.public.to_bytes(), 3, 1_700_000_000, b"seed", scheme, "teaching")
    return info, keys.secret


def beacon_of(info: ChainInfo, secret: int, round_number: int) -> Beacon:
    return Beacon(round_number, bls.sign(info.scheme, secret, info.scheme.digest(round_number)))


@pytest.mark.parametrize(
    "scheme_id", ["bls-unchained-g1-rfc9380", "bls-unchained-on-g1", "pedersen-bls-unchained"]
)
@pytest.mark.parametrize("armor", [False, True])
@pytest.mark.parametrize("size", [0, 1, 65536, 70000])
def test_round_trip(scheme_id: str, armor: bool, size: int) -> None:
    info, secret = make_chain(scheme_id)
    plaintext = bytes(i % 251 for i in range(size))
    data = timelock.encrypt(info, 42, plaintext, armor=armor, rng=seeded_rng(size))
    assert age.is_armored(data) == armor
    assert timelock.decrypt(data, info, lambda r: beacon_of(info, secret, r)) == plaintext


def test_ciphertext_sizes_match_tlock() -> None:
    for scheme_id, size in (("bls-unchained-g1-rfc9380", 128), ("pedersen-bls-unchained", 80)):
        info, _ = make_chain(scheme_id)
        stanza = timelock.read_stanza(timelock.encrypt(info, 5, b"x", rng=seeded_rng(1)))
        assert len(stanza.body) == size


def test_chained_scheme_refused() -> None:
    info, _ = make_chain("pedersen-bls-chained")
    with pytest.raises(TimelockError, match="chained"):
        timelock.encrypt(info, 10, b"secret")


@pytest.fixture
def locked() -> tuple[ChainInfo, int, bytes]:
    info, secret = make_chain("bls-unchained-g1-rfc9380")
    return info, secret, timelock.encrypt(info, 100, b"the answer is 42", rng=seeded_rng(3))


def test_wrong_chain_hash(locked) -> None:
    _, _, data = locked
    other, other_secret = make_chain("bls-unchained-g1-rfc9380", seed=8)
    with pytest.raises(ChainMismatch):
        timelock.decrypt(data, other, lambda r: beacon_of(other, other_secret, r))


def test_strict_refuses_another_chain_and_never_switches(locked) -> None:
    """Go's default tlock.New switches to the chain the ciphertext names; we refuse (Go's Strict()),
    before asking for any beacon, and say which chain the file needs."""
    info, secret, data = locked
    other = ChainInfo(info.public_key, 30, info.genesis_time, info.genesis_seed, info.scheme, "other")
    asked: list[int] = []

    def get_beacon(round_number: int) -> Beacon:
        asked.append(round_number)
        return beacon_of(info, secret, round_number)

    with pytest.raises(ChainMismatch, match=info.hash_hex[:16]):
        timelock.decrypt(data, other, get_beacon)
    assert asked == []


def test_non_strict_ignores_the_stanza_chain_hash(locked) -> None:
    """strict=False does what tlock-js does: the stanza's chain hash is not looked at; the chain we
    give (same key, other period, so another hash) decides, and its beacon is still verified."""
    info, secret, data = locked
    other = ChainInfo(info.public_key, 30, info.genesis_time, info.genesis_seed, info.scheme, "other")
    assert other.hash() != timelock.read_stanza(data).chain_hash
    opened = timelock.decrypt(data, other, lambda r: beacon_of(info, secret, r), strict=False)
    assert opened == b"the answer is 42"
    stranger, _ = make_chain("bls-unchained-g1-rfc9380", seed=8)
    with pytest.raises(InvalidBeacon):  # a beacon of the chain we gave, but not the key of the file
        timelock.decrypt(data, stranger, lambda r: beacon_of(info, secret, r), strict=False)


def test_too_early(locked) -> None:
    info, secret, data = locked
    with pytest.raises(TooEarly):
        timelock.decrypt(data, info, lambda r: None)
    with pytest.raises(TooEarly):
        timelock.decrypt(data, info, lambda r: beacon_of(info, secret, r), now=info.time_of_round(100) - 1)


def test_forged_beacon_refused(locked) -> None:
    info, secret, data = locked
    with pytest.raises(InvalidBeacon):
        timelock.decrypt(data, info, lambda r: beacon_of(info, secret + 1, r))
    with pytest.raises(InvalidBeacon):
        timelock.decrypt(data, info, lambda r: beacon_of(info, secret, r + 1))


def test_tampered_header_mac(locked) -> None:
    info, secret, data = locked
    mac_line = data.index(b"--- ") + 5
    tampered = data[:mac_line] + bytes([data[mac_line] ^ 1]) + data[mac_line + 1 :]
    with pytest.raises(InvalidCiphertext):
        timelock.decrypt(tampered, info, lambda r: beacon_of(info, secret, r))


def test_tampered_stanza_body_fails_fo_check(locked) -> None:
    info, secret, data = locked
    stanza = timelock.read_stanza(data)
    body = bytearray(stanza.body)
    body[-1] ^= 1  # flip a bit of W
    forged = age.encrypt_file(
        [age.Stanza("tlock", ("100", info.hash_hex), bytes(body))], bytes(16), b"", rng=seeded_rng(1)
    )
    with pytest.raises(InvalidCiphertext, match="Fujisaki"):
        timelock.decrypt(forged, info, lambda r: beacon_of(info, secret, r))


def test_tampered_payload_and_truncation(locked) -> None:
    info, secret, data = locked
    get = lambda r: beacon_of(info, secret, r)  # noqa: E731
    with pytest.raises(InvalidCiphertext):
        timelock.decrypt(data[:-1] + bytes([data[-1] ^ 1]), info, get)
    with pytest.raises(InvalidCiphertext):
        timelock.decrypt(data[:-5], info, get)
    with pytest.raises(InvalidCiphertext):
        timelock.decrypt(data[:40], info, get)


def test_wrong_stanza(locked) -> None:
    info, secret, _ = locked
    get = lambda r: beacon_of(info, secret, r)  # noqa: E731
    for stanza in (
        age.Stanza("X25519", ("abc",), bytes(32)),
        age.Stanza("tlock", ("100",), bytes(128)),
        age.Stanza("tlock", ("100", info.hash_hex), bytes(50)),
    ):
        data = age.encrypt_file([stanza], bytes(16), b"", rng=seeded_rng(1))
        with pytest.raises(InvalidCiphertext):
            timelock.decrypt(data, info, get)


def test_not_age_at_all() -> None:
    info, _ = make_chain("bls-unchained-g1-rfc9380")
    for junk in (b"hello", b"age-encryption.org/v1\n-> tlock", "-----BEGIN AGE ENCRYPTED FILE-----\n!!\n"):
        with pytest.raises(InvalidCiphertext):
            timelock.decrypt(junk, info, lambda r: None)


def test_armor_layout() -> None:
    text = age.armor(bytes(range(200))).splitlines()
    assert text[0] == age.ARMOR_BEGIN and text[-1] == age.ARMOR_END
    assert all(len(line) == 64 for line in text[1:-2]) and 0 < len(text[-2]) <= 64
    assert age.dearmor("\n".join(text)) == bytes(range(200))


def test_stanza_body_lines() -> None:
    """A body whose base64 fills whole lines ends with an empty line (age's rule)."""
    encoded = age.Stanza("t", (), bytes(48)).encode().split(b"\n")
    assert [len(x) for x in encoded[1:]] == [64, 0, 0]  # 48 bytes -> 64 chars, then the empty last line
    parsed = age.parse_file(age.VERSION_LINE + b"\n" + age.Stanza("t", (), bytes(48)).encode() + b"--- AA\n")
    assert parsed.stanzas[0].body == bytes(48)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("5m", 300), ("1h", 3600), ("1d12h", 129600), ("2w", 14 * 86400)],
)
def test_duration_to_round(text: str, seconds: int) -> None:
    info, _ = make_chain("bls-unchained-g1-rfc9380")
    now = info.genesis_time + 1000
    assert timelock.round_for_duration(info, text, now) == info.round_at(now + seconds)


def test_calendar_months_roll_over_like_go() -> None:
    """tle adds months with Go's AddDate, which normalises "February 31" to March 2 (2024 is a leap year);
    tests/test_tlock_durations_vs_go.py lets Go's own AddDate judge many more dates."""
    info, _ = make_chain("bls-unchained-g1-rfc9380")
    jan31 = 1_706_659_200  # 2024-01-31T00:00:00Z
    march2 = 1_709_337_600  # 2024-03-02T00:00:00Z, not the clamped 2024-02-29 (1_709_164_800)
    assert timelock.round_for_duration(info, "1M", jan31) == info.round_at(march2)
    assert timelock.round_for_duration(info, "1M", jan31) != info.round_at(1_709_164_800)


@pytest.mark.parametrize("bad", ["", "10", "1x", "1h1h", "h", "-5s"])
def test_bad_durations(bad: str) -> None:
    with pytest.raises(InvalidInput):
        timelock.parse_duration(bad)


def test_h3_matches_spec_rule() -> None:
    """H3's output is below r and the first hash byte is shifted (not masked), as kyber does."""
    value = ibe.h3(b"s" * 16, b"m" * 16)
    assert 0 < value < ibe.CURVE_ORDER
    assert value < 2**255
