"""Exercise checkers for the cli notebook (filled in by that notebook's author)."""

__all__: list[str] = []
