"""tests/data/differences.toml: every difference from drand that we keep on purpose is complete and taught.

Each entry names what drand does (with a permalink at the pinned commit), what we do, why, the notebook
whose source teaches it (by a phrase that must be there) and the test that shows it (which must exist).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"id", "area", "drand", "ours", "why", "notebook", "phrase", "test"}
PERMALINK = re.compile(r"https://github\.com/drand/[\w.-]+/blob/[0-9a-f]{40}/\S+#L\d+")


def differences() -> list[dict]:
    return tomllib.loads((ROOT / "tests/data/differences.toml").read_text())["difference"]


def test_ids_are_unique_and_kebab_case() -> None:
    ids = [entry["id"] for entry in differences()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids), ids


@pytest.mark.parametrize("entry", differences(), ids=lambda entry: entry["id"])
def test_each_difference_is_complete_cited_taught_and_tested(entry: dict) -> None:
    assert set(entry) == KEYS, set(entry) ^ KEYS
    assert all(isinstance(entry[key], str) and entry[key].strip() for key in KEYS)
    assert PERMALINK.search(entry["drand"]), "say what drand does with a permalink into its code"
    notebook = ROOT / entry["notebook"]
    assert notebook.exists(), entry["notebook"]
    text = " ".join(notebook.read_text().replace("# ", " ").split())
    assert " ".join(entry["phrase"].split()) in text, f"{entry['notebook']} does not say {entry['phrase']!r}"
    path, _, name = entry["test"].partition("::")
    test_file = ROOT / path
    assert test_file.exists(), path
    assert re.search(rf"^(async )?def {re.escape(name)}\b", test_file.read_text(), re.M), entry["test"]
