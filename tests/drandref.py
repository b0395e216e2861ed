"""drand's own Go code as the referee: the reference program in tests/drandref and the binaries beside it.

``tests/drandref/`` is a Go module pinned to drand's, kyber's, kyber-bls12381's, go-clients' and tlock's
releases (see its ``go.mod`` and README for why tags and not the pinned commits). ``make drandref`` builds
four programs into ``tests/drandref/bin``:

* ``drandref`` answers JSON requests with what drand's and kyber's own functions compute (one op per
  ``op_*.go`` file);
* ``drand``, drand's daemon and CLI;
* ``tle``, tlock's command-line tool;
* ``drand-client``, go-clients' command line (``get public``, ``get chain-info``).

Tests get them through the fixtures in ``tests/conftest.py``. Without Go on the machine those tests are
skipped with the reason, unless ``DRAND_EDU_REQUIRE_GO=1`` (set by ``.ci/run``) makes that an error. With Go
present the programs are (re)built on first use: ``go build`` is incremental, so this costs seconds once the
module cache is warm.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

REF_DIR = Path(__file__).parent / "drandref"
BIN_DIR = REF_DIR / "bin"
PROGRAMS = {
    "drandref": ".",
    "drand": "github.com/drand/drand/v2/cmd/drand",
    "tle": "github.com/drand/tlock/cmd/tle",
    "drand-client": "github.com/drand/go-clients",
}
#: build tags: drand's nodes speak gRPC over TLS unless built with ``conn_insecure``, as drand's own demo
#: builds them (``demo/main.go``); the loopback networks of tests/test_real_drand.py need that build
TAGS = {"drand": ["-tags", "conn_insecure"]}
_built: set[str] = set()


def _missing(reason: str) -> None:
    if os.environ.get("DRAND_EDU_REQUIRE_GO") == "1":
        pytest.fail(f"{reason} (DRAND_EDU_REQUIRE_GO=1)")
    pytest.skip(reason)


def go_binary(name: str) -> Path:
    """The path of ``drandref``, ``drand``, ``tle`` or ``drand-client``, built from tests/drandref."""
    target = BIN_DIR / name
    if name in _built:
        return target
    go = shutil.which("go")
    if go is None:
        if target.exists():
            return target
        _missing(f"Go is needed to build {name} (drand's own code) here: install Go, then `make drandref`")
    BIN_DIR.mkdir(exist_ok=True)
    # pytest-xdist workers may arrive together: one builds, the others wait and find the build cached
    with open(BIN_DIR / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(
            [go, "build", *TAGS.get(name, []), "-o", str(target), PROGRAMS[name]],
            cwd=REF_DIR,
            capture_output=True,
            text=True,
            env={**os.environ, "GOFLAGS": "-mod=mod"},
        )
    if result.returncode != 0:
        _missing(f"go build {name} failed: {result.stderr.strip()[-800:]}")
    _built.add(name)
    return target


def stop_process(process: subprocess.Popen, timeout: float = 30) -> None:
    """End a program a test started (drand's daemon, ours): SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


class RefError(Exception):
    """drand's function refused the request (``kind`` "error") or panicked (``kind`` "panic")."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class DrandRef:
    """A running ``drandref``: ``call(op, **fields)`` gives its result or raises :class:`RefError`."""

    def __init__(self, binary: Path) -> None:
        self._process = subprocess.Popen(
            [str(binary)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._lock = threading.Lock()

    def call(self, op: str, **fields: Any) -> Any:
        request = json.dumps({"op": op, **fields})
        with self._lock:
            assert self._process.stdin is not None and self._process.stdout is not None
            self._process.stdin.write(request + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"drandref exited (code {self._process.poll()}) on {request[:200]}")
        answer = json.loads(line)
        if "ok" in answer:
            return answer["ok"]
        kind = "panic" if "panic" in answer else "error"
        raise RefError(kind, answer[kind])

    def outcome(self, op: str, **fields: Any) -> tuple[str, Any]:
        """``("ok", result)`` or ``("error"|"panic", message)``: for comparing refusals as well as results."""
        try:
            return "ok", self.call(op, **fields)
        except RefError as refused:
            return refused.kind, refused.message

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
