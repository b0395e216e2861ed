"""``drand-edu generate-keypair``: a node's long-term key pair, like ``drand generate-keypair``.

    drand-edu generate-keypair --folder node0 [--scheme pedersen-bls-chained] [--id default] 127.0.0.1:4444

One key pair per beacon id (``--id``, a name: ``../x`` is refused): a daemon that runs several beacons
has one key folder for each (``multibeacon/<id>``). Missing folders are made ``0740`` as drand's
``CreateSecureFolder`` does; an existing ``--folder`` keeps its mode. ``show``, ``stop`` and ``sync``
live in :mod:`drand_edu.cli.node` and :mod:`drand_edu.cli.sync`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..crypto.schemes import scheme_by_id
from ..errors import InvalidInput
from ..node.key_store import FileStore, check_beacon_id
from . import EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    keypair = subparsers.add_parser("generate-keypair", help="a node's long-term key pair, into its folder")
    keypair.add_argument("--folder", required=True, help="the node's folder (created if missing)")
    keypair.add_argument("--scheme", default="pedersen-bls-chained", help="default: %(default)s")
    keypair.add_argument("--id", "--beacon-id", dest="beacon_id", default="default",
                         help="the chain (beacon id) the key pair is for (default: %(default)s)")  # fmt: skip
    keypair.add_argument("address", nargs="?", default="",
                         help="where the node listens for its peers (HOST:PORT), as in drand")  # fmt: skip
    keypair.set_defaults(func=generate_keypair)


def generate_keypair(args: argparse.Namespace) -> int:
    """Write a new key pair into ``--folder``: a beacon id is a name, never a path
    (:func:`~drand_edu.node.key_store.check_beacon_id`), and folders that exist keep their mode."""
    folder = Path(args.folder)
    args.beacon_id = check_beacon_id(args.beacon_id)
    if (folder / "multibeacon" / args.beacon_id / "key").exists():
        raise InvalidInput(f"{folder} already has a key pair for {args.beacon_id}: refusing to overwrite it")
    host, _, port = (args.address or "").rpartition(":")
    if args.address and not (host and port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise InvalidInput(f"the address must be HOST:PORT (a port 1-65535), got {args.address!r}")
    keys = FileStore.generate(scheme_by_id(args.scheme), beacon_id=args.beacon_id, address=args.address)
    keys.save(folder)
    where = f" for {args.address}" if args.address else ""
    print(f"generated a {keys.scheme.id} key pair{where} in {folder}: public key {keys.public_key.hex()}")
    return EXIT_OK
