"""The key store (drand's file store): layout, round trip, 0600 secrets, leaks refused, no secret shown."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from drand_edu.crypto import scheme_by_id
from drand_edu.crypto.constants import CURVE_ORDER
from drand_edu.node.key_store import (
    GROUP_FILE,
    PRIVATE_FILE,
    PUBLIC_FILE,
    SHARE_FILE,
    FileStore,
    KeyStoreError,
)
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import run_dkg

SCHEME = scheme_by_id("pedersen-bls-chained")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def dkg_key_store() -> FileStore:
    outcome = run_dkg(4, 3, SCHEME, rng=seeded_rng("vault"))
    group = outcome.to_group(period=3, genesis_time=1_700_000_000)
    keys = FileStore.generate(SCHEME, rng=seeded_rng("node-1"))
    return keys.with_share(outcome.shares()[0], group)


def test_round_trip_with_drand_layout_and_permissions(tmp_path: Path, dkg_key_store: FileStore) -> None:
    folder = dkg_key_store.save(tmp_path)
    assert folder == tmp_path / "multibeacon" / "default"
    assert mode(folder / PRIVATE_FILE) == 0o600 and mode(folder / SHARE_FILE) == 0o600
    assert mode(folder / PUBLIC_FILE) == 0o644 and mode(folder / GROUP_FILE) == 0o644
    umask = os.umask(0o022)
    os.umask(umask)
    # drand CreateSecureFolder: 0740 (the umask applies)
    assert mode(folder / "key") == 0o740 & ~umask and mode(folder) == 0o740 & ~umask
    loaded = FileStore.load(tmp_path)
    assert loaded == dkg_key_store
    assert loaded.share == dkg_key_store.share and loaded.group.hash() == dkg_key_store.group.hash()
    assert (folder / PRIVATE_FILE).read_text().startswith('Key = "')


def test_secret_files_are_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        folder = FileStore.generate(SCHEME, rng=seeded_rng(1)).save(tmp_path)
    finally:
        os.umask(old)
    assert mode(folder / PRIVATE_FILE) == 0o600


def test_a_world_readable_secret_is_refused(tmp_path: Path, dkg_key_store: FileStore) -> None:
    folder = dkg_key_store.save(tmp_path)
    (folder / SHARE_FILE).chmod(0o644)
    with pytest.raises(KeyStoreError, match="readable by other users"):
        FileStore.load(tmp_path)
    (folder / SHARE_FILE).chmod(0o600)
    (folder / PRIVATE_FILE).chmod(0o640)
    with pytest.raises(KeyStoreError, match="leaked"):
        FileStore.load(tmp_path)


def test_secrets_never_appear_in_repr_or_str(dkg_key_store: FileStore) -> None:
    text = repr(dkg_key_store) + str(dkg_key_store) + repr(dkg_key_store.share)
    for secret in (dkg_key_store.secret_key, dkg_key_store.share.value):
        assert str(secret) not in text
        assert f"{secret:x}" not in text and f"{secret:064x}" not in text
    assert "secrets hidden" in repr(dkg_key_store)


def test_broken_key_folders_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError, match="missing"):
        FileStore.load(tmp_path)
    folder = FileStore.generate(SCHEME, rng=seeded_rng(2)).save(tmp_path)
    (folder / PUBLIC_FILE).write_text("Key = [")
    with pytest.raises(KeyStoreError, match="TOML"):
        FileStore.load(tmp_path)
    other = FileStore.generate(SCHEME, rng=seeded_rng(3))
    (folder / PUBLIC_FILE).write_text(f'Key = "{other.public_key.hex()}"\n')
    with pytest.raises(KeyStoreError, match="does not belong"):
        FileStore.load(tmp_path)


def test_each_beacon_id_has_its_own_folder(tmp_path: Path) -> None:
    quick = FileStore.generate(
        scheme_by_id("bls-unchained-g1-rfc9380"), rng=seeded_rng(4), beacon_id="quicknet"
    )
    default = FileStore.generate(SCHEME, rng=seeded_rng(5))
    quick.save(tmp_path)
    default.save(tmp_path)
    assert FileStore.load(tmp_path, "quicknet") == quick
    assert FileStore.load(tmp_path) == default


def test_the_address_is_kept_in_the_public_file_like_drand(tmp_path: Path) -> None:
    scheme = scheme_by_id("pedersen-bls-chained")
    keys = FileStore.generate(scheme, rng=seeded_rng(9), address="127.0.0.1:4444")
    folder = keys.save(tmp_path / "node")
    assert 'Address = "127.0.0.1:4444"' in (folder / PUBLIC_FILE).read_text()
    assert FileStore.load(tmp_path / "node").address == "127.0.0.1:4444"
    bare = FileStore.generate(scheme, rng=seeded_rng(9), beacon_id="other")
    bare.save(tmp_path / "node")
    assert FileStore.load(tmp_path / "node", "other").address == ""  # key pairs made without an address


def test_a_bad_secret_file_names_the_file_never_the_secret(tmp_path: Path, dkg_key_store: FileStore) -> None:
    folder = dkg_key_store.save(tmp_path)
    secret = f"{dkg_key_store.secret_key:064x}"
    for stray in ("g", "!", " "):  # one stray character in the secret key
        path = folder / PRIVATE_FILE
        path.write_text(path.read_text().replace(secret, secret[:10] + stray + secret[11:]))
        with pytest.raises(KeyStoreError) as refused:
            FileStore.load(tmp_path)
        assert str(path) in str(refused.value) and secret[:10] not in str(refused.value)
        dkg_key_store.save(tmp_path)
    path = folder / PRIVATE_FILE  # broken TOML: the line is named, the content is not
    path.write_text(f'Key = "{secret}\n')
    with pytest.raises(KeyStoreError, match="line 1") as refused:
        FileStore.load(tmp_path)
    assert secret[:10] not in str(refused.value)


@pytest.mark.parametrize(
    "index, value, reason",
    [
        ("-1", None, "Index must be"),
        (str(2**40), None, "Index must be"),
        ("1", None, "does not match the group's public polynomial"),  # the share of node 0 as node 1
        ("9", None, "not a node of the group"),
        (None, "0", "out of range"),
        (None, f"{CURVE_ORDER:x}", "out of range"),
        ("1.9", None, "Index must be"),
    ],
)
def test_a_share_is_checked_against_the_group(
    tmp_path: Path, dkg_key_store: FileStore, index, value, reason
) -> None:
    folder = dkg_key_store.save(tmp_path)
    path = folder / SHARE_FILE
    text = path.read_text()
    if index is not None:
        text = text.replace(f"Index = {dkg_key_store.share.index}", f"Index = {index}")
    if value is not None:
        text = text.replace(f"{dkg_key_store.share.value:064x}", value)
    path.write_text(text)
    with pytest.raises(KeyStoreError, match=reason) as refused:
        FileStore.load(tmp_path)
    assert f"{dkg_key_store.share.value:064x}"[:12] not in str(refused.value)
