"""Write the list of every notebook's exercises into README.md (between the exercises markers).

    python scripts/list_exercises.py           # update README.md
    python scripts/list_exercises.py --check   # exit 1 if the README's list is stale
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- exercises:start -->", "<!-- exercises:end -->"


def exercises() -> list[tuple[str, list[str]]]:
    """(notebook, [exercise headings]) for every notebook source, in order."""
    found = []
    for source in sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py")):
        titles = re.findall(r"^# ### (Exercise .+)$", source.read_text(), re.MULTILINE)
        if titles:
            found.append((source.stem, titles))
    return found


def rendered() -> str:
    lines = [START]
    for notebook, titles in exercises():
        lines.append(f"- **{notebook}**: " + "; ".join(titles))
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    readme = ROOT / "README.md"
    text = readme.read_text()
    updated = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: rendered(), text, flags=re.DOTALL)
    if "--check" in argv:
        return 0 if updated == text else 1
    readme.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
