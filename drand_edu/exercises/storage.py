"""Exercise checkers for the storage notebook (filled in by that notebook's author)."""

__all__: list[str] = []
