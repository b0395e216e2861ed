"""Shared fixtures: the real vectors in tests/data and a loop over both crypto backends."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from drand_edu.crypto.backend import available_backends, use_backend

DATA = Path(__file__).parent / "data"

# No test may depend on the machine's speed: hypothesis's default 200 ms deadline per example failed a fresh
# `make test` on a busy 2-core machine, so every property test runs without one (and without the "too slow"
# health check); an explicit @settings still overrides the rest.
settings.register_profile(
    "drand-edu", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False
)
settings.load_profile("drand-edu")


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
    from drand_edu.exercises.common import _HINTS, NOT_YET, first_hint

    for placeholder in (None, ..., stub):
        out = verdict(capsys, check, placeholder)
        assert out.startswith(NOT_YET) and first_hint(name) in out, out
        assert _HINTS[name][-1] not in out, "a stub must not get the recipe"


def hints_shown(capsys: pytest.CaptureFixture[str], name: str, calls: int = 4) -> list[str]:
    """What ``hint(name)`` prints on each of ``calls`` calls from the first step (the steps reset after)."""
    from drand_edu.exercises.common import hint, reset_hints

    reset_hints(name)
    shown = []
    for _ in range(calls):
        hint(name)
        shown.append(capsys.readouterr().out)
    reset_hints(name)
    return shown


def assert_exercises_in_rhythm(source: Path) -> None:
    """A notebook source's exercises: Explore → Implement → Break → Connect, each naming its hints.

    Every kind appears, in that order (a kind may repeat); each exercise's text names
    ``drand_edu.exercises.hint("<name>")`` for hints that are registered, and its check cell calls a
    checker that exists.
    """
    import drand_edu.exercises as exercises
    from drand_edu.exercises.common import _HINTS

    text = source.read_text().split("# ## Exercises", 1)[1].split("# ## In drand's source", 1)[0]
    parts = re.split(r"^# ### Exercise (\d+) \((\w+)\) — (.+)$", text, flags=re.M)[1:]
    order = ["Explore", "Implement", "Break", "Connect"]
    kinds = [parts[i + 1] for i in range(0, len(parts), 4)]
    assert [int(parts[i]) for i in range(0, len(parts), 4)] == list(range(1, len(kinds) + 1))
    assert sorted(set(kinds), key=order.index) == order and kinds == sorted(kinds, key=order.index), kinds
    for i in range(0, len(parts), 4):
        body = parts[i + 3]
        names = re.findall(r'drand_edu\.exercises\.hint\("(\w+)"\)', body)
        assert names and all(n in _HINTS for n in names), f"exercise {parts[i]}: {names}"
        checks = re.findall(r"drand_edu\.exercises\.(check_\w+)\(", body)
        assert checks and all(hasattr(exercises, c) for c in checks), f"exercise {parts[i]}: {checks}"


@pytest.fixture(scope="session")
def drandref():
    """drand's own functions behind a JSON pipe (tests/drandref.py); skipped without Go unless CI needs it."""
    from tests.drandref import DrandRef, go_binary

    ref = DrandRef(go_binary("drandref"))
    yield ref
    ref.close()


@pytest.fixture(scope="session")
def drand_binary():
    """The path of drand's own ``drand`` binary at the course's pinned release (built on first use)."""
    from tests.drandref import go_binary

    return go_binary("drand")


@pytest.fixture(scope="session")
def tle_binary():
    """The path of tlock's ``tle`` binary at the course's pinned release (built on first use)."""
    from tests.drandref import go_binary

    return go_binary("tle")


@pytest.fixture(scope="session")
def drand_client_binary():
    """The path of go-clients' ``drand-client`` binary at the course's pinned release (built on first use)."""
    from tests.drandref import go_binary

    return go_binary("drand-client")
