"""How every exercise checker reports: one line, "correct" or "not yet" with a hint. Never raises."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CORRECT = "✅ correct"
NOT_YET = "❌ not yet"


def report(ok: bool, hint: str = "", praise: str = "") -> bool:
    """Print the verdict for the learner and return it (checkers end with ``report(...)``)."""
    if ok:
        print(f"{CORRECT}{' — ' + praise if praise else ''}")
    else:
        print(f"{NOT_YET}: {hint}")
    return ok


def is_stub(answer: Any) -> bool:
    """True for the placeholders the task cells start with (``None`` or ``...``)."""
    return answer is None or answer is Ellipsis


def safely(check: Callable[[], bool], hint_on_error: str) -> bool:
    """Run ``check``; if the learner's code raises, report "not yet" with the error, never crash."""
    try:
        return check()
    except Exception as exc:
        return report(False, f"{hint_on_error} (your code raised {type(exc).__name__}: {exc})")
