"""A command loads only what it uses: ``drand-edu --help`` no crypto, ``drand-edu verify`` one backend.

Each check runs in a fresh interpreter and looks at ``sys.modules`` afterwards (the test process
itself has imported everything long ago). Start-up *time* is measured by ``benchmarks/``, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import DATA

HEAVY = ("py_ecc", "matplotlib", "numpy", "prometheus_client", "tqdm")
HEAVY += ("drand_edu.threshold", "drand_edu.node", "drand_edu.api")


def _modules_after(code: str) -> set[str]:
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(result.stdout.splitlines()[-1]))


def _loaded(modules: set[str], prefix: str) -> bool:
    return any(m == prefix or m.startswith(prefix + ".") for m in modules)


RUN = """
import contextlib, io, json, sys
import drand_edu
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = drand_edu.cli.main({argv!r})
    except SystemExit as exc:
        code = exc.code
assert code == 0, code
print(json.dumps(sorted(sys.modules)))
"""


def test_verify_of_a_beacon_loads_one_backend_and_no_py_ecc(tmp_path) -> None:
    vector = json.loads((DATA / "beacons-quicknet.json").read_text())
    (tmp_path / "info.json").write_text(json.dumps(vector["info"]))
    (tmp_path / "beacon.json").write_text(json.dumps(vector["beacons"][0]))
    argv = ["verify", "--info", str(tmp_path / "info.json"), str(tmp_path / "beacon.json")]
    modules = _modules_after(RUN.format(argv=argv))
    for heavy in HEAVY:
        assert not _loaded(modules, heavy), heavy
    backends = [m for m in modules if m.endswith("_backend") and m.startswith("drand_edu.crypto.")]
    assert len(backends) == 1, backends


def test_verify_on_py_ecc_when_asked_for(tmp_path) -> None:
    vector = json.loads((DATA / "beacons-quicknet.json").read_text())
    (tmp_path / "info.json").write_text(json.dumps(vector["info"]))
    (tmp_path / "beacon.json").write_text(json.dumps(vector["beacons"][0]))
    argv = ["verify", "--backend", "py_ecc", "--info", str(tmp_path / "info.json")]
    argv.append(str(tmp_path / "beacon.json"))
    assert _loaded(_modules_after(RUN.format(argv=argv)), "py_ecc")


def test_help_imports_no_crypto_and_no_command_module() -> None:
    modules = _modules_after(RUN.replace("assert code == 0, code", "").format(argv=["--help"]))
    assert not _loaded(modules, "drand_edu.crypto")
    assert not [m for m in modules if m.startswith("drand_edu.cli.")]


def test_available_backends_imports_none() -> None:
    code = "import json, sys, drand_edu; drand_edu.available_backends()"
    code += "; print(json.dumps(sorted(sys.modules)))"
    modules = _modules_after(code)
    assert not [m for m in modules if m.endswith("_backend")]
    assert not _loaded(modules, "py_ecc")
