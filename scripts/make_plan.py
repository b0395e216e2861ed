"""Show the plan of every live session, kept in ``docs/plan.toml``, everywhere it is read.

    python scripts/make_plan.py           # rewrite the guide's tables and the notebooks' plan notes
    python scripts/make_plan.py --check   # change nothing; exit 1 and say what is stale or wrong

One place holds the minutes of each session (45 of teaching, then 30 of questions and pair programming;
session 0 is a 10-minute opening before session 1): ``docs/plan.toml``, an ordered list of items per
session, each ``{minutes, section, do}`` where ``section`` is the exact text of one of the notebook's
``##`` headings. From it this script writes

* one table per session into ``docs/instructor-guide.md``, between ``<!-- plan NN ... -->`` and
  ``<!-- end of plan NN -->``;
* the plan as a list into the instructor notes of ``notebooks/src/NN_*.py`` (the cell tagged
  ``instructor``), between ``<!-- plan ... -->`` and ``<!-- end of plan -->`` (then rebuild the notebook);

and ``scripts/make_slides.py`` calls ``section_notes`` to put each item, as speaker notes, on the first
slide of the section it names. Nothing is written when the plan is wrong (minutes that do not add up, a
section the notebook does not have): the problems are listed instead.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "docs" / "plan.toml"
GUIDE = ROOT / "docs" / "instructor-guide.md"

#: Minutes of (teaching, questions and pairs) per session; session 0 is an opening, with no questions part.
TOTALS = {"00": (10, 0)}
DEFAULT_TOTALS = (45, 30)

#: Line width of the notebook sources (ruff's, though it does not check notebooks/).
WIDTH = 110

NOTES_START = "<!-- plan: written by scripts/make_plan.py from docs/plan.toml; edit it there -->"
NOTES_END = "<!-- end of plan -->"


@dataclass(frozen=True)
class Item:
    """Minutes spent on one section of a notebook, and what the instructor does meanwhile."""

    minutes: int
    section: str
    do: str


@dataclass(frozen=True)
class Session:
    """One session's plan: the teaching items, then the questions-and-pairs items, in order."""

    id: str
    notebook: Path
    teach: tuple[Item, ...]
    questions: tuple[Item, ...]

    @property
    def totals(self) -> tuple[int, int]:
        """The minutes the plan adds up to: (teaching, questions and pairs)."""
        return sum(item.minutes for item in self.teach), sum(item.minutes for item in self.questions)

    @property
    def expected(self) -> tuple[int, int]:
        """The minutes the session has: (45, 30), or (10, 0) for the opening session 0."""
        return TOTALS.get(self.id, DEFAULT_TOTALS)


def load(path: Path = PLAN) -> list[Session]:
    """The sessions of ``path`` (``docs/plan.toml``), in the file's order."""
    data = tomllib.loads(path.read_text())
    return [
        Session(
            id=entry["id"],
            notebook=ROOT / entry["notebook"],
            teach=tuple(Item(**item) for item in entry.get("teach", [])),
            questions=tuple(Item(**item) for item in entry.get("questions", [])),
        )
        for entry in data["session"]
    ]


def headings(source: str) -> list[str]:
    """The ``##`` headings of a jupytext notebook source (markdown lines are ``# ## text``)."""
    return re.findall(r"^# ## (.+?)\s*$", source, flags=re.MULTILINE)


def problems(sessions: list[Session]) -> list[str]:
    """What is wrong with the plan: minutes that do not add up, sections the notebook does not have."""
    found = []
    for session in sessions:
        if session.totals != session.expected:
            found.append(f"session {session.id}: minutes add up to {session.totals}, not {session.expected}")
        if not session.notebook.exists():
            found.append(f"session {session.id}: no notebook {session.notebook.relative_to(ROOT)}")
            continue
        known = set(headings(session.notebook.read_text()))
        for item in (*session.teach, *session.questions):
            if item.section not in known:
                found.append(f"session {session.id}: no '## {item.section}' in {session.notebook.name}")
            if item.minutes <= 0:
                found.append(f"session {session.id}: {item.minutes} minutes for '{item.section}'")
    return found


def _row(item: Item) -> str:
    """One row of a guide table (a ``|`` in the text would end a column: escaped)."""
    section, do = (text.replace("|", "\\|") for text in (item.section, item.do))
    return f"| {item.minutes} | {section} | {do} |"


def guide_table(session: Session) -> str:
    """The session's plan as a markdown table for the guide."""
    teach, questions = session.totals
    rows = ["| min | section | what the instructor does |", "|---|---|---|"]
    rows += [_row(item) for item in session.teach]
    rows.append(f"| **{teach}** | **teaching** | |")
    if session.questions:
        rows += [_row(item) for item in session.questions]
        rows.append(f"| **{questions}** | **questions and pairs** | |")
    return "\n".join(rows)


def _bullet(item: Item) -> list[str]:
    text = f"- **{item.minutes} min** · {item.section} — {item.do}"
    return textwrap.wrap(
        text, WIDTH - 2, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )


def notes_lines(session: Session) -> list[str]:
    """The session's plan as markdown lines for the notebook's instructor notes (markers included)."""
    teach, questions = session.totals
    if session.questions:
        title = f"**Teaching, {teach} minutes:**"
    else:
        title = f"**A {teach}-minute opening, before session 1:**"
    lines = [NOTES_START, title, ""]
    for item in session.teach:
        lines += _bullet(item)
    if session.questions:
        lines += ["", f"**Questions and pairs, {questions} minutes:**", ""]
        for item in session.questions:
            lines += _bullet(item)
    return [*lines, NOTES_END]


def section_notes(notebook_stem: str, path: Path = PLAN) -> dict[str, list[str]]:
    """Per ``##`` heading of notebook ``NN_name``, the plan's items for it as speaker-note lines."""
    notes: dict[str, list[str]] = {}
    for session in load(path):
        if session.notebook.stem != notebook_stem:
            continue
        for part, items in (("teaching", session.teach), ("questions and pairs", session.questions)):
            for item in items:
                notes.setdefault(item.section, []).append(f"{item.minutes} min ({part}) — {item.do}")
    return notes


def render_guide(text: str, sessions: list[Session]) -> str:
    """``text`` (the guide) with each session's table between its markers; a missing marker is an error."""
    for session in sessions:
        start, end = rf"<!-- plan {session.id}: [^\n]*-->\n", rf"<!-- end of plan {session.id} -->"
        pattern = re.compile(f"({start})(?:.*?\n)?({end})", flags=re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"{GUIDE.name}: no markers for the plan of session {session.id}")
        table = guide_table(session)
        text = pattern.sub(lambda match, table=table: f"{match.group(1)}{table}\n{match.group(2)}", text)
    return text


def render_notebook(source: str, session: Session) -> str:
    """``source`` (a jupytext notebook) with the plan between the markers of its instructor notes."""
    start, end = f"# {NOTES_START}\n", f"# {NOTES_END}\n"
    if source.count(start) != 1 or source.count(end) != 1:
        raise SystemExit(f"{session.notebook.name}: its instructor notes need one pair of plan markers")
    before, rest = source.split(start)
    _, after = rest.split(end)
    block = "".join(f"# {line}".rstrip() + "\n" for line in notes_lines(session))
    return before + block + after


def targets(sessions: list[Session]) -> dict[Path, str]:
    """Every file the plan is shown in, with the text it should have."""
    wanted = {GUIDE: render_guide(GUIDE.read_text(), sessions)}
    for session in sessions:
        wanted[session.notebook] = render_notebook(session.notebook.read_text(), session)
    return wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a file is stale")
    args = parser.parse_args(argv)
    sessions = load()
    wrong = problems(sessions)
    for line in wrong:
        print(f"plan: {line}", file=sys.stderr)
    if wrong:
        return 1
    wanted = targets(sessions)
    stale = [path for path, text in wanted.items() if path.read_text() != text]
    for path in stale:
        if args.check:
            print(f"stale: {path.relative_to(ROOT)} (run scripts/make_plan.py)", file=sys.stderr)
        else:
            path.write_text(wanted[path])
            print(f"wrote {path.relative_to(ROOT)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
