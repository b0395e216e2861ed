"""The checker probe table: how many wrong and right answers the tests feed each exercise checker.

    python scripts/checker_probe_table.py [pytest args...]

Runs the exercise tests (``tests/test_exercises_*.py`` and the hint tests) with every checker's
``report`` wrapped, so each verdict a checker gives is counted under that checker. The tests assert
every verdict (a wrong answer must be refused, a right one accepted), so when pytest passes the
"accepted wrong" and "refused right" columns are zero by construction; the table then says how hard
each checker was pushed. Stubs (an untouched exercise cell) count as wrong answers.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TESTS = sorted(str(path) for path in (ROOT / "tests").glob("test_exercise*.py"))


def _checker_name() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name.startswith("check_"):
            return f"{frame.f_globals.get('__name__', '?').rsplit('.', 1)[-1]}.{frame.f_code.co_name}"
        frame = frame.f_back
    return "?"


class ProbeCounter:
    """A pytest plugin that counts verdicts per checker."""

    def __init__(self) -> None:
        self.refused: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.failed_tests: list[str] = []

    def _wrap(self, report: Callable[..., Any]) -> Callable[..., Any]:
        def counted(ok: bool, *args: Any, **kwargs: Any) -> Any:
            (self.accepted if ok else self.refused)[_checker_name()] += 1
            return report(ok, *args, **kwargs)

        return counted

    def pytest_configure(self, config: pytest.Config) -> None:
        import drand_edu.exercises as package

        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            if module_info.name != "common" and callable(getattr(module, "report", None)):
                module.report = self._wrap(module.report)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed_tests.append(report.nodeid)


def main(argv: list[str]) -> int:
    counter = ProbeCounter()
    status = pytest.main(["-q", "-p", "no:cacheprovider", *(argv or DEFAULT_TESTS)], plugins=[counter])
    names = sorted(set(counter.refused) | set(counter.accepted))
    print("\n| checker | wrong answers tried | accepted | right answers tried | refused |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        print(f"| `{name}` | {counter.refused[name]} | 0 | {counter.accepted[name]} | 0 |")
    wrong, right = sum(counter.refused.values()), sum(counter.accepted.values())
    print(f"| **{len(names)} checkers** | {wrong} | 0 | {right} | 0 |")
    if status != 0:
        print(f"\npytest failed ({len(counter.failed_tests)} tests): the zeros above do not hold")
    return int(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
