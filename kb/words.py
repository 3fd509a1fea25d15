"""Words for counts, as kb's messages and pages write them."""


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 topic', '3 topics' (``many``: an irregular plural)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
