"""One plan per session (docs/plan.toml), shown the same everywhere: the guide, the notes, the slides.

scripts/make_plan.py writes the plan into docs/instructor-guide.md and the notebooks' instructor notes;
scripts/make_slides.py puts each item into the speaker notes of the first slide of its section.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import make_plan  # noqa: E402
import make_slides  # noqa: E402

SESSIONS = make_plan.load()
IDS = [session.id for session in SESSIONS]


def test_every_notebook_has_one_plan() -> None:
    notebooks = sorted(path.stem for path in (ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
    assert sorted(session.notebook.stem for session in SESSIONS) == notebooks


@pytest.mark.parametrize("session", SESSIONS, ids=IDS)
def test_minutes_add_up_to_45_and_30(session: make_plan.Session) -> None:
    teach, questions = session.totals
    if session.id == "00":
        assert (teach, questions) == (10, 0), "session 0 is a 10-minute opening before session 1"
    else:
        assert (teach, questions) == (45, 30)
    assert all(item.minutes > 0 for item in (*session.teach, *session.questions))


@pytest.mark.parametrize("session", SESSIONS, ids=IDS)
def test_every_section_is_a_heading_of_its_notebook(session: make_plan.Session) -> None:
    known = make_plan.headings(session.notebook.read_text())
    assert "Exercises" in known or session.id == "00"
    for item in (*session.teach, *session.questions):
        assert item.section in known, f"session {session.id}: no '## {item.section}'"
        assert item.do.strip(), f"session {session.id}: nothing to do in '{item.section}'"


def test_a_wrong_plan_is_refused(tmp_path: Path) -> None:
    """The checks can fail: minutes that do not add up and an unknown section are both reported."""
    text = (ROOT / "docs" / "plan.toml").read_text()
    broken = text.replace('minutes = 18\nsection = "3. A network', 'minutes = 17\nsection = "3. A network', 1)
    broken = broken.replace('section = "4. A follower', 'section = "4. A follower that is not there', 1)
    assert broken != text
    path = tmp_path / "plan.toml"
    path.write_text(broken)
    found = make_plan.problems(make_plan.load(path))
    assert any("session 01: minutes add up to (44, 30)" in line for line in found), found
    assert any("A follower that is not there" in line for line in found), found


def test_guide_and_notebook_sources_are_what_the_script_writes() -> None:
    """``make_plan.py --check`` exits 0: nothing stale (run scripts/make_plan.py after editing the plan)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_plan.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_a_stale_guide_is_detected() -> None:
    guide = (ROOT / "docs" / "instructor-guide.md").read_text()
    stale = guide.replace("| 18 | 3. A network of real processes", "| 20 | 3. A network of real processes", 1)
    assert stale != guide
    assert make_plan.render_guide(stale, SESSIONS) == make_plan.render_guide(guide, SESSIONS) == guide


@pytest.mark.parametrize("session", SESSIONS, ids=IDS)
def test_built_notebook_carries_the_plan(session: make_plan.Session) -> None:
    """The committed .ipynb (rebuilt from its source) has the plan in an instructor cell."""
    notebook = nbformat.read(ROOT / "notebooks" / f"{session.notebook.stem}.ipynb", as_version=4)
    notes = [cell.source for cell in notebook.cells if "instructor" in cell.metadata.get("tags", [])]
    assert any("\n".join(make_plan.notes_lines(session)) in source for source in notes)


def test_guide_keeps_its_cuts_and_scripts() -> None:
    guide = (ROOT / "docs" / "instructor-guide.md").read_text()
    blocks = guide.split("\n## Session ")[1:]
    assert [block[:2].strip() for block in blocks] == [str(int(session.id)) for session in SESSIONS]
    for block in blocks[1:]:
        assert "**When late:**" in block and "**Live-coding script**" in block, block.split("\n")[0]
    assert "1 degraded rounds" not in guide and "watch the rebuild fail" not in guide


class _Slides(HTMLParser):
    """The innermost ``<section>``s of a reveal.js page: each slide's ``h2`` text and speaker notes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict[str, list[str]]] = []
        self.slides: list[dict[str, list[str]]] = []
        self.into: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.stack.append({"h2": [], "notes": []})
        elif tag == "h2" and self.stack:
            self.into.append("h2")
        elif tag == "aside" and ("class", "notes") in attrs and self.stack:
            self.into.append("notes")
            self.stack[-1]["notes"].append("")  # one string per aside

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.stack:
            slide = self.stack.pop()
            if slide["h2"] or slide["notes"]:
                self.slides.append(slide)
        elif tag in ("h2", "aside") and self.into:
            self.into.pop()

    def handle_data(self, data: str) -> None:
        if self.into == ["h2"] and self.stack:
            self.stack[-1]["h2"].append(data)
        elif self.into and self.into[0] == "notes" and self.stack:
            self.stack[-1]["notes"][-1] += data


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text).replace("`", "").replace("¶", "")).strip()


@pytest.mark.parametrize("session", SESSIONS, ids=IDS)
def test_slides_carry_the_plan_as_speaker_notes(session: make_plan.Session, tmp_path: Path) -> None:
    """Each item's text is in the speaker notes of the slide that opens its section, and of no other."""
    deck = make_slides.export(
        ROOT / "notebooks" / f"{session.notebook.stem}.ipynb", tmp_path, make_slides.exporter("vendor")
    )
    parser = _Slides()
    parser.feed(deck.read_text())
    # the plan's notes start with "Plan." (the whole plan is also in the instructor notes, on one slide)
    slides = []
    for slide in parser.slides:
        asides = [_plain(aside) for aside in slide["notes"]]
        slides.append((_plain("".join(slide["h2"])), " ".join(a for a in asides if a.startswith("Plan."))))
    assert any(notes for _, notes in slides)
    for item in (*session.teach, *session.questions):
        text = _plain(item.do)
        holding = [heading for heading, notes in slides if text in notes]
        assert holding == [_plain(item.section)], f"{item.section}: notes on {holding}"
