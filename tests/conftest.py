"""Shared fixtures: the real vectors in tests/data and a loop over both crypto backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drand_edu.crypto.backend import available_backends, use_backend

DATA = Path(__file__).parent / "data"


def load_vector(name: str) -> dict:
    """A JSON vector from tests/data (copied from the project's shared vectors, sources noted inside)."""
    return json.loads((DATA / name).read_text())


@pytest.fixture(params=available_backends())
def backend(request: pytest.FixtureRequest):
    """Run the test once per installed backend, with that backend selected."""
    with use_backend(request.param):
        yield request.param


def verdict(capsys: pytest.CaptureFixture[str], check, *answer) -> str:
    """Run an exercise checker; assert it printed the verdict it returned; give back what it printed."""
    from drand_edu.exercises import CORRECT, NOT_YET

    ok = check(*answer)
    out = capsys.readouterr().out
    assert out.startswith(CORRECT if ok else NOT_YET), out
    return out


def stub(*_args):
    """An untouched task cell's function: its body is only ``...``."""
    ...  # your code


def assert_stub_gets_the_nudge(capsys: pytest.CaptureFixture[str], check, name: str) -> None:
    """``None``, ``...`` and an untouched function each get "not yet" with the exercise's first hint."""
    from drand_edu.exercises.common import NOT_YET, first_hint

    for placeholder in (None, ..., stub):
        out = verdict(capsys, check, placeholder)
        assert out.startswith(NOT_YET) and first_hint(name) in out, out
