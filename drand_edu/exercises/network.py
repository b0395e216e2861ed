"""Exercise checkers for the network notebook (filled in by that notebook's author)."""

__all__: list[str] = []
