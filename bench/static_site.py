"""The corpus's static site (``kb site``) for the bench: how long writing it
takes, how many pages and bytes (target: <= 30 s)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def measure(db, folder: Path, load: bool = True) -> dict[str, Any]:
    """Load the corpus into ``db`` (emptied by the caller; ``load``: False
    when it already holds the corpus), then write its site into ``folder``."""
    from kb.web.site import build

    if load:
        from kb.load import load as load_catalog

        load_catalog(db, [CORPUS])
    t = time.monotonic()
    r = build(db, folder, force=True)
    return {
        "seconds": round(time.monotonic() - t, 2),
        "pages": r.pages,
        "files": r.files,
        "megabytes": round(r.bytes / 1e6, 2),
    }
