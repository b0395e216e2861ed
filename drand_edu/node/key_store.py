"""The key store: a node's key folder on disk, drand's *file store*.

drand keeps a node's key material in one folder per beacon id, and reads and writes it through a
``Store`` (``common/key/store.go``). Its only implementation is the file-based ``fileStore``: its
constructor
[`NewFileStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/store.go#L90-L106)
creates the ``key`` and ``groups`` sub-folders and fixes the four file names::

    <base>/multibeacon/<beacon id>/key/drand_id.private     long-term secret key   (0600)
    <base>/multibeacon/<beacon id>/key/drand_id.public      long-term public key   (0644)
    <base>/multibeacon/<beacon id>/groups/drand_group.toml  the group file         (0644)
    <base>/multibeacon/<beacon id>/groups/dist_key.private  this node's DKG share  (0600)

Our :class:`FileStore` plays that part with the same folders, names and TOML fields (drand's
``common/key/keys.go``): the public file is drand's ``PublicTOML`` (``Address``, ``Key``,
``Signature`` — the key pair's self-signature of its identity, :mod:`drand_edu.crypto.identity` —,
``SchemeName``), the share file drand's ``ShareTOML`` (``Index``, ``Share``, ``Commits`` — the
group's public polynomial —, ``SchemeName``). drand's is a
handle with one method per file (``LoadShare``, ``SaveGroup``...; e.g.
[`SaveKeyPair`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/store.go#L131-L139)
writes the private file, then the public one); ours is a frozen value holding what the folder
holds — key pair, and after a DKG share and group — written at once by :meth:`FileStore.save` and
read at once by :meth:`FileStore.load`. Secret files end up ``0600`` as with drand's
[`CreateSecureFile`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/fs/fs.go#L66-L76).
Folders are made as drand's
[`CreateSecureFolder`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/fs/fs.go#L30-L50)
makes them: a missing folder is created with mode ``0740`` (``defaultDirectoryPermission``; the
umask applies, as to Go's ``os.MkdirAll``): owner-only writable, but *not* owner-only — the group may
list it; the secrets inside are protected by their own ``0600``. A folder that already exists keeps
its mode (drand only prints "Folder different permission"): saving keys into ``--folder ~`` must
not change the home folder's mode. Unlike drand,
:meth:`FileStore.load` refuses a secret file that other users can read: such a key must be
considered leaked. ``repr`` and ``str`` hide the secrets.

A beacon id is a name, not a path (:func:`check_beacon_id`): drand joins it into the folder path
as it comes (``path.Join(baseFolder, beaconID, ...)`` in ``NewFileStore``), so ``../../x`` would
write elsewhere; ours refuses it. An empty id is the default one (drand's ``GetCanonicalBeaconID``).

This is *not* drand's ``Vault``: that is the in-memory holder a running chain signs with
(:mod:`drand_edu.node.vault`), filled from what this store loads. (The module is ``key_store``, not
``store``, because :mod:`drand_edu.store` is the beacon database — drand's ``chain.Store``.)
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import tomli_w

from ..crypto import bls, identity
from ..crypto.constants import CURVE_ORDER
from ..crypto.schemes import Scheme, scheme_by_id
from ..errors import InvalidInput
from ..hexbytes import from_hex
from ..rng import Rng
from ..threshold.group import Group
from ..threshold.poly import PriShare

PRIVATE_FILE = "key/drand_id.private"
PUBLIC_FILE = "key/drand_id.public"
GROUP_FILE = "groups/drand_group.toml"
SHARE_FILE = "groups/dist_key.private"

SECRET_MODE = 0o600
PUBLIC_MODE = 0o644
#: drand's ``defaultDirectoryPermission`` (``internal/fs/fs.go``), for the folders it creates
FOLDER_MODE = 0o740
#: what a beacon id may be: a name of letters, digits, ``-``, ``_`` and ``.``, not ``.`` or ``..``
BEACON_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")


class KeyStoreError(InvalidInput):
    """A key folder that cannot be used: missing or malformed files, or secrets readable by others."""


def check_beacon_id(beacon_id: str) -> str:
    """``beacon_id`` as the name of its folder (``""`` is ``"default"``); :class:`KeyStoreError` if it is
    not a plain name (``../x``, ``a/b``, a NUL, 65 characters or more)."""
    if beacon_id == "":
        return "default"
    if not isinstance(beacon_id, str) or not BEACON_ID.fullmatch(beacon_id) or set(beacon_id) == {"."}:
        raise KeyStoreError(f"a beacon id is a name (letters, digits, '-', '_', '.'), not a path: "
                            f"{str(beacon_id)[:70]!r}")  # fmt: skip
    return beacon_id


def make_folders(path: Path) -> None:
    """Create ``path`` and every missing folder above it with drand's ``0740`` (the umask applies, as to
    Go's ``os.MkdirAll``); a folder that already exists keeps its mode."""
    missing = []
    while not path.is_dir() and path.parent != path:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=FOLDER_MODE, exist_ok=True)


@dataclass(frozen=True)
class FileStore:
    """What a node's key folder holds: the long-term key pair, and after a DKG its share and group file."""

    scheme: Scheme
    secret_key: int = field(repr=False)
    public_key: bytes
    share: PriShare | None = None
    group: Group | None = None
    beacon_id: str = "default"
    #: where the node listens for its peers (drand's key pair records it: ``Address`` in the public file)
    address: str = ""

    def __post_init__(self) -> None:
        expected = bls.public_key(self.scheme, self.secret_key).to_bytes()
        if expected != self.public_key:
            raise KeyStoreError("the public key does not belong to the secret key")

    @classmethod
    def generate(
        cls, scheme: Scheme, *, rng: Rng | None = None, beacon_id: str = "default", address: str = ""
    ) -> FileStore:
        """A fresh long-term key pair (``drand generate-keypair [address]``)."""
        keys = bls.keygen(scheme, rng=rng)
        return cls(scheme, keys.secret, keys.public.to_bytes(), beacon_id=beacon_id, address=address)

    @cached_property
    def signature(self) -> bytes:
        """The key pair's self-signature of its identity (drand ``Pair.SelfSign``; BLS is deterministic)."""
        return identity.self_sign(self.scheme, self.secret_key)

    def with_share(self, share: PriShare, group: Group) -> FileStore:
        """The same key store after a DKG: with this node's share and the group file."""
        return replace(self, share=share, group=group)

    def __repr__(self) -> str:
        share = f", share=#{self.share.index}" if self.share else ""
        group = f", group of {len(self.group)}" if self.group else ""
        key = self.public_key.hex()[:16]
        return f"FileStore({self.scheme.id}, public_key={key}…{share}{group}, secrets hidden)"

    __str__ = __repr__

    # -- on disk ---------------------------------------------------------------------------------
    def folder(self, base: str | os.PathLike) -> Path:
        """Where this key store lives under ``base`` (one folder per beacon id, as drand's multibeacon)."""
        return Path(base) / "multibeacon" / check_beacon_id(self.beacon_id)

    def save(self, base: str | os.PathLike) -> Path:
        """Write the key store under ``base``; return its folder. Secret files are created ``0600``,
        missing folders ``0740`` (drand's ``CreateSecureFolder``); existing folders keep their mode."""
        folder = self.folder(base)
        for sub in ("key", "groups"):
            make_folders(folder / sub)
        _write(
            folder / PRIVATE_FILE,
            {"Key": f"{self.secret_key:064x}", "SchemeName": self.scheme.id},
            SECRET_MODE,
        )
        signature = self.signature.hex()
        public = {"Key": self.public_key.hex(), "Signature": signature, "SchemeName": self.scheme.id}
        if self.address:
            public = {"Address": self.address, **public}
        _write(folder / PUBLIC_FILE, public, PUBLIC_MODE)
        if self.share is not None:
            share = {
                "Index": self.share.index,
                "Share": f"{self.share.value:064x}",
                "SchemeName": self.scheme.id,
            }
            if self.group is not None and self.group.public_key is not None:
                commits = [c.hex() for c in self.group.public_key.to_bytes_list()]
                share = {"Index": share["Index"], "Share": share["Share"], "Commits": commits,
                         "SchemeName": self.scheme.id}  # fmt: skip
            _write(folder / SHARE_FILE, share, SECRET_MODE)
        if self.group is not None:
            text = self.group.to_toml()
            _write_text(folder / GROUP_FILE, text, PUBLIC_MODE)
        return folder

    @classmethod
    def load(cls, base: str | os.PathLike, beacon_id: str = "default") -> FileStore:
        """Read a key store saved by :meth:`save`; refuse secret files readable by group or others."""
        folder = Path(base) / "multibeacon" / check_beacon_id(beacon_id)
        private = _read(folder / PRIVATE_FILE, secret=True)
        public = _read(folder / PUBLIC_FILE, secret=False)
        try:
            scheme = scheme_by_id(private.get("SchemeName", ""))
            public_key = from_hex(public.get("Key"), what=f"{folder / PUBLIC_FILE}: Key")
        except InvalidInput as exc:
            raise KeyStoreError(str(exc)) from None
        secret_key = secret_number(private, "Key", folder / PRIVATE_FILE, scheme.key_group.order)
        group = Group.load(folder / GROUP_FILE) if (folder / GROUP_FILE).exists() else None
        share = None
        if (folder / SHARE_FILE).exists():
            share = load_share(folder / SHARE_FILE, group)
        address = public.get("Address", "")
        if not isinstance(address, str):
            raise KeyStoreError(f"{folder / PUBLIC_FILE}: Address must be a string (host:port)")
        store = cls(scheme, secret_key, public_key, share, group, beacon_id, address)
        signature = public.get("Signature", "")
        if not isinstance(signature, str):
            raise KeyStoreError(f"{folder / PUBLIC_FILE}: Signature must be a hex string")
        signed = from_hex(signature, what="Signature") if signature else b""
        if signed and not identity.valid_signature(scheme, public_key, signed):
            # drand refuses to start with it (``INVALID SELF SIGNATURE``, internal/core/drand_beacon.go)
            raise KeyStoreError(f"{folder / PUBLIC_FILE}: invalid self-signature for this key")
        return store


def secret_number(table: dict, key: str, path: Path, order: int = CURVE_ORDER) -> int:
    """The hex number ``table[key]`` of a secret file, in ``1 … r-1``; errors name the file and key only,
    never the content (a typo in a secret key must not print the key)."""
    text = table.get(key)
    if not isinstance(text, str) or not text or len(text) > 130 or not all(c in _HEX for c in text):
        raise KeyStoreError(f"{path}: {key} is not a hex number (its value is secret, so it is not shown)")
    value = int(text, 16)
    if not 0 < value < order:
        raise KeyStoreError(f"{path}: {key} is out of range (0 < value < the curve order)")
    return value


def load_share(path: Path, group: Group | None) -> PriShare:
    """Read and check a share file: its index is a node of the group, its value in range, and it lies
    on the group's public polynomial (``value · G == PubPoly.eval(index)``, kyber's ``PubPoly.Check``)."""
    data = _read(path, secret=True)
    index = data.get("Index")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 2**32:
        raise KeyStoreError(f"{path}: Index must be a node index (a uint32)")
    order = group.scheme.key_group.order if group is not None else CURVE_ORDER
    share = PriShare(index, secret_number(data, "Share", path, order))
    if group is not None:
        if group.node(index) is None:
            raise KeyStoreError(f"{path}: share index {index} is not a node of the group file")
        if group.public_key is not None and not group.public_key.check(share):
            raise KeyStoreError(f"{path}: the share does not match the group's public polynomial "
                             "(a share of another DKG, or a corrupted file)")  # fmt: skip
    return share


_HEX = frozenset("0123456789abcdefABCDEF")


def _write_text(path: Path, text: str, mode: int) -> None:
    # create with the final mode from the start: the secret is never on disk with wider permissions
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    path.chmod(mode)  # O_CREAT's mode is filtered by the umask, and ignored for an existing file


def _write(path: Path, table: dict, mode: int) -> None:
    _write_text(path, tomli_w.dumps(table), mode)


def _read(path: Path, *, secret: bool) -> dict:
    if not path.exists():
        raise KeyStoreError(f"{path}: missing (were the keys saved here? drand-edu generate-keypair)")
    if secret and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise KeyStoreError(
            f"{path}: readable by other users (mode {stat.S_IMODE(path.stat().st_mode):o}); "
            "treat this key as leaked, or chmod 600 it if you are sure it was not"
        )
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise KeyStoreError(f"{path}: not UTF-8 text") from None
    except ValueError as exc:  # TOMLDecodeError, or an integer of thousands of digits
        where = str(exc).rpartition("(at ")[2].rstrip(")") if "(at " in str(exc) else "somewhere"
        raise KeyStoreError(f"{path}: not valid TOML ({where}; the content is not shown)") from None
