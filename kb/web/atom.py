"""``/changes.atom``: the change sets of the catalog as an Atom feed
(RFC 4287), newest first, each entry one change set with the facts it
added, changed or removed (``kb changes``' rows); ``topic`` keeps the
change sets that touch that topic's cells and conflicts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
FEED_ROWS = 2000  # the newest change rows the feed reads


def _when(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def feed(db, base_url: str, topic: str | None = None, href=None) -> bytes:
    """The feed; ``href(path)``: the address of a page of kb's (``/changes``,
    ``/changes?changeSet=ID``, ``/changes.atom``), by default ``base_url``
    and the path (kb site gives its files' addresses, relative ones when it
    has no base URL; the ids are then ``urn:kb:site/...``)."""
    from kb.changes import changes

    href = href or (lambda path: base_url + path)
    ids = base_url or "urn:kb:site"

    rows = changes(db, topic=topic, limit=FEED_ROWS)
    sets: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        sets.setdefault(r["change_set"], []).append(r)
    query = ("?" + urlencode({"topic": topic})) if topic else ""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent, tag: str, text: str | None = None, **attrs: str):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(root, "id", f"{ids}/changes.atom{query}")
    sub(root, "title", "kb: changes to the catalog" + (f" ({topic})" if topic else ""))
    newest = max((r["at"] for r in rows), default=None)
    sub(root, "updated", _when(newest or datetime.now(UTC)))
    sub(root, "link", rel="self", href=href(f"/changes.atom{query}"), type="application/atom+xml")
    sub(root, "link", rel="alternate", href=href(f"/changes{query}"), type="text/html")
    author = sub(root, "author")
    sub(author, "name", "kb")
    for change_set, items in sets.items():
        at = items[0]["at"]
        entry = sub(root, "entry")
        sub(entry, "id", f"{ids}/changes#{quote(change_set, safe='')}")
        ops = {op: sum(1 for r in items if r["op"] == op) for op in ("added", "changed", "removed")}
        sub(entry, "title", f"Change set {change_set}: " + ", ".join(f"{n} {op}" for op, n in ops.items() if n))
        sub(entry, "updated", _when(at))
        sub(
            entry,
            "link",
            rel="alternate",
            href=href("/changes?" + urlencode({"changeSet": change_set})),
            type="text/html",
        )
        lines = [f"{r['op']} {r['entity']} {r['key']}: {r['detail']}" for r in items]
        sub(entry, "content", "\n".join(lines), type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
