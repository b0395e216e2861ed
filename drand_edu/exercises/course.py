"""Exercise checkers for the course notebook (filled in by that notebook's author)."""

__all__: list[str] = []
