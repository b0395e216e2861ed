"""The npm packages some tests run under node: installed on first use into tests/js/node_modules.

``tests/js/package.json`` pins exact versions and ``package-lock.json`` freezes the whole tree, so
``npm ci`` gives every machine the same JavaScript. Without node/npm on the machine these tests are
skipped with the reason shown, unless ``DRAND_EDU_REQUIRE_NODE=1`` (set by ``.ci/run``) makes that an error.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).parent / "js"


def _missing(reason: str) -> None:
    if os.environ.get("DRAND_EDU_REQUIRE_NODE") == "1":
        pytest.fail(f"{reason} (DRAND_EDU_REQUIRE_NODE=1)")
    pytest.skip(reason)


def ensure_npm_packages() -> str:
    """Install tests/js's npm packages if needed (once, even with parallel workers); return node's path."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _missing("node and npm are needed for the JavaScript interop tests")
    # pytest-xdist workers may arrive together: one installs, the others wait on the lock
    with open(JS_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        marker = JS_DIR / "node_modules" / ".package-lock.json"
        if not marker.exists() or marker.stat().st_mtime < (JS_DIR / "package-lock.json").stat().st_mtime:
            result = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, capture_output=True, text=True
            )
            if result.returncode != 0:
                _missing(f"npm ci failed in {JS_DIR}: {result.stderr.strip()[-500:]}")
    return node  # type: ignore[return-value]
