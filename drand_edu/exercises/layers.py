"""Exercise checkers for the layers notebook (filled in by that notebook's author)."""

__all__: list[str] = []
