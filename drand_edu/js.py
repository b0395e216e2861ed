"""Run drand's JavaScript libraries (``tlock-js``, ``drand-client``) with node, to compare bytes.

For notebooks and tests only: nothing in the core imports this. The npm packages are pinned in the
repository's ``tests/js/package.json`` (+ ``package-lock.json``) and installed there with ``npm ci`` on
first use; ``tests/js/tlock_interop.mjs`` is the small script that calls tlock-js with an offline chain.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .chain.beacon import Beacon
from .chain.info import ChainInfo
from .errors import DrandEduError

JS_DIR = Path(__file__).resolve().parent.parent / "tests" / "js"


class NodeUnavailable(DrandEduError):
    """node/npm are not installed, or the npm packages could not be installed."""


def node_available() -> bool:
    """True when ``node`` and ``npm`` are on the PATH and the repository's JS folder is present."""
    return bool(shutil.which("node") and shutil.which("npm") and (JS_DIR / "package.json").exists())


def ensure_packages() -> str:
    """Install the pinned npm packages if needed; return the path of ``node``."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm or not (JS_DIR / "package.json").exists():
        raise NodeUnavailable("node and npm (and the repository's tests/js folder) are needed")
    if not (JS_DIR / "node_modules" / "tlock-js").exists():
        command = [npm, "ci", "--no-audit", "--no-fund"]
        result = subprocess.run(command, cwd=JS_DIR, capture_output=True, text=True)
        if result.returncode != 0:
            raise NodeUnavailable(f"npm ci failed: {result.stderr.strip()[-300:]}")
    return node


def _run(*args: str) -> str:
    command = [ensure_packages(), str(JS_DIR / "tlock_interop.mjs"), *args]
    # not subprocess.run: after a KeyboardInterrupt (a notebook cell interrupted) it kills node but does not
    # wait for it, which leaves a defunct child in the kernel; here node is killed and reaped on any exit
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            out, err = process.communicate(timeout=60)
        except BaseException as error:
            process.kill()
            process.wait()
            if isinstance(error, subprocess.TimeoutExpired):
                raise DrandEduError("tlock-js did not answer within 60 s") from None
            raise
    if process.returncode != 0:
        raise DrandEduError(err.strip() or "tlock-js failed")
    return out


def tlock_encrypt(info: ChainInfo, round_number: int, plaintext: bytes) -> str:
    """Encrypt with tlock-js; returns its armored age file."""
    out = _run("encrypt", json.dumps(info.to_json()), str(round_number), plaintext.hex())
    return out.split("CIPHERTEXT_BEGIN\n", 1)[1]


def tlock_decrypt(info: ChainInfo, beacon: Beacon, ciphertext: bytes | str) -> bytes:
    """Decrypt with tlock-js, giving it ``beacon`` as the round's beacon."""
    data = ciphertext.encode() if isinstance(ciphertext, str) else ciphertext
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ciphertext.age"
        path.write_bytes(data)
        out = _run("decrypt", json.dumps(info.to_json()), json.dumps(beacon.to_json()), str(path))
    line = next(line for line in out.splitlines() if line.startswith("PLAINTEXT_HEX="))
    return bytes.fromhex(line.removeprefix("PLAINTEXT_HEX="))
