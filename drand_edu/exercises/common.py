"""How every exercise checker reports, and how hints are given out in steps.

A checker prints one line, "correct" or "not yet" with a hint, and never raises. Hints come in steps
(registered with :func:`register_hints`): :func:`hint` shows the next step each time it is called, so the
first call nudges and only a later one gives the recipe. A checker handed an untouched stub answers with
the first step only, never with the answer.
"""

from __future__ import annotations

import dis
from collections.abc import Callable
from typing import Any

CORRECT = "✅ correct"
NOT_YET = "❌ not yet"

_HINTS: dict[str, tuple[str, ...]] = {}
_HINTS_SHOWN: dict[str, int] = {}


class Verdict:
    """A checker's answer: true when the exercise is solved.

    It behaves as a bool (``if check(...)``, ``assert not check(...)``) but shows nothing as a cell's
    result: the verdict line is already printed, so a notebook does not echo ``True`` or ``False`` under it.
    """

    __slots__ = ("ok",)

    def __init__(self, ok: bool) -> None:
        self.ok = bool(ok)

    def __bool__(self) -> bool:
        return self.ok

    def __eq__(self, other: object) -> bool:
        return bool(other) == self.ok if isinstance(other, (bool, Verdict)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.ok)

    def __repr__(self) -> str:
        return f"Verdict({self.ok})"

    def _ipython_display_(self) -> None:
        """Display nothing in Jupyter (see the class docstring)."""


def report(ok: bool, hint: str = "", praise: str = "") -> Verdict:
    """Print the verdict for the learner and return it (checkers end with ``report(...)``)."""
    if ok:
        print(f"{CORRECT}{' — ' + praise if praise else ''}")
    else:
        print(f"{NOT_YET}: {hint}")
    return Verdict(ok)


def register_hints(exercise: str, *steps: str) -> None:
    """Record the hints of ``exercise``, from the gentlest nudge to the recipe."""
    if not steps:
        raise ValueError("an exercise needs at least one hint")
    _HINTS[exercise] = tuple(steps)


def hint(exercise: str) -> None:
    """Print the next hint of ``exercise``: each call goes one step further, the last one repeats."""
    if exercise not in _HINTS:
        known = ", ".join(sorted(_HINTS)) or "none yet"
        print(f"no hints for {exercise!r}; exercises with hints: {known}")
        return
    steps = _HINTS[exercise]
    shown = _HINTS_SHOWN.get(exercise, 0)
    step = min(shown, len(steps) - 1)
    _HINTS_SHOWN[exercise] = step + 1
    last = " (that is the last hint)" if step == len(steps) - 1 else ""
    print(f"💡 hint {step + 1}/{len(steps)}{last}: {steps[step]}")


def reset_hints(exercise: str | None = None) -> None:
    """Start the hints of ``exercise`` (or of every exercise) again from the first step."""
    if exercise is None:
        _HINTS_SHOWN.clear()
    else:
        _HINTS_SHOWN.pop(exercise, None)


def first_hint(exercise: str) -> str:
    """The nudge of ``exercise`` (its first step) and how to ask for more, for a "not yet" line."""
    steps = _HINTS.get(exercise)
    if not steps:
        return "write your answer in the cell above, then run this check again"
    more = f" (more: drand_edu.exercises.hint({exercise!r}))" if len(steps) > 1 else ""
    return f"{steps[0]}{more}"


def _only_returns_none(code: Any) -> bool:
    """True when a function's bytecode does nothing but ``return None`` (a body of ``...`` or ``pass``)."""
    ops = [(i.opname, i.argval) for i in dis.get_instructions(code) if i.opname not in ("RESUME", "NOP")]
    return ops in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def is_stub(answer: Any) -> bool:
    """True for the placeholders the task cells start with.

    That is ``None``, ``...``, or a function whose body is only ``...`` or ``pass`` (perhaps under a
    docstring): the learner has not written anything yet, so the checker should nudge, not judge.
    """
    if answer is None or answer is Ellipsis:
        return True
    code = getattr(answer, "__code__", None)
    return code is not None and _only_returns_none(code)


def nudge_if_stub(answer: Any, exercise: str) -> bool:
    """If ``answer`` is an untouched stub, print "not yet" with the first hint and return True."""
    if is_stub(answer):
        report(False, first_hint(exercise))
        return True
    return False


def safely(check: Callable[[], Verdict], hint_on_error: str) -> Verdict:
    """Run ``check``; if the learner's code raises, report "not yet" with the error, never crash."""
    try:
        return Verdict(bool(check()))
    except Exception as exc:
        return report(False, f"{hint_on_error} (your code raised {type(exc).__name__}: {exc})")
