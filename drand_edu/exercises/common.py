"""How every exercise checker reports, and how hints are given out in steps.

A checker prints one line, "correct" or "not yet" with a hint, and never raises. Hints come in steps
(registered with :func:`register_hints`): :func:`hint` shows the next step each time it is called, so the
first call nudges and only a later one gives the recipe. A checker handed an untouched stub answers with
the first step only, never with the answer.

**One rule for types, in every session** (:func:`type_problem`): a function the learner writes returns the
type its task names. Bytes are ``bytes`` (a ``bytearray`` too) — hex text is refused with a hint, because
hashing or comparing hex text instead of bytes is a real bug; a point is a ``Point``, not its encoding; a
whole number is an ``int`` (a float only when it is whole, never a bool); a measured value such as a metric
is a number, never its text. Answers read from drand's code (a name, an error string, a count) may be
given as words or numbers: those are read, not computed with.
"""

from __future__ import annotations

import dis
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
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


def type_problem(value: Any, kind: str) -> str | None:
    """What is wrong with the *type* of ``value`` for an answer of ``kind``, or None (the course's rule).

    ``kind`` is ``"bytes"``, ``"point"``, ``"int"`` or ``"number"`` (see the module docstring).
    """
    from ..crypto.groups import Point  # exercises sit above the core: imported here, used only here

    if kind == "bytes":
        if isinstance(value, bytes | bytearray):
            return None
        if isinstance(value, str):
            return "return the bytes themselves, not hex text (the course's rule: bytes are bytes)"
        return f"return bytes, not {type(value).__name__}"
    if kind == "point":
        if isinstance(value, Point):
            return None
        if isinstance(value, bytes | bytearray | str):
            return (
                "return the point itself (a Point), not its encoding (the course's rule: points are points)"
            )
        return f"return a point (a Point), not {type(value).__name__}"
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        what = "text" if isinstance(value, str) else type(value).__name__
        return f"return a number, not {what} (the course's rule: numbers are numbers)"
    if kind == "int" and value != int(value):
        return f"return a whole number, not {value!r}"
    return None


_NOT_LEARNER = tuple(
    str(path)
    for path in {
        Path(__file__).resolve().parent.parent,  # drand_edu: the library and the checkers
        *(Path(sysconfig.get_paths()[key]).resolve() for key in ("stdlib", "purelib", "platlib")),
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
    }
)


def raised_in_learner_code(traceback: TracebackType | None) -> bool:
    """True when a frame of the traceback runs code that is not the library's, Python's or a package's:
    the learner's answer (a notebook cell, a test's function) was on the way to the error."""
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if not filename.startswith("<frozen") and not str(Path(filename).resolve()).startswith(_NOT_LEARNER):
            return True
        traceback = traceback.tb_next
    return False


def safely(check: Callable[[], Verdict], hint_on_error: str) -> Verdict:
    """Run ``check``; if it raises, report "not yet" with the error, never crash.

    The message says whose code raised: "your code raised" only when the learner's code is in the
    traceback; an answer the checker itself could not use is "could not use your answer".
    """
    try:
        return Verdict(bool(check()))
    except Exception as exc:
        if raised_in_learner_code(exc.__traceback__.tb_next if exc.__traceback__ else None):
            return report(False, f"{hint_on_error} (your code raised {type(exc).__name__}: {exc})")
        return report(
            False,
            f"the checker could not use your answer ({type(exc).__name__}: {exc}): check its type and shape",
        )
