"""Exercise checkers for the crypto notebook (filled in by that notebook's author)."""

__all__: list[str] = []
