"""Citations of a topic, an instrument and the paper, in every format."""

from __future__ import annotations

import json
import re
from datetime import UTC

import bibtexparser
import pytest
import rispy

from kb import cite as kb_cite
from kb.cite import FORMATS

PAPER = "arXiv:2602.19682"
TITLE = "Beyond the Binary: A nuanced path for open-weight advanced AI"


def cite(cli, *args) -> str:
    result = cli("cite", *args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "kind,key,must",
    [
        ("paper", PAPER, ["Özcan", "Petropoulos", "Reddel", "2026"]),
        ("instrument", "EU-AIA-2024", ["EU AI Act", "2024"]),
        ("instrument", "META-FRONTIER-2024", ["Meta Frontier AI Framework", "Meta", "2025"]),
        ("topic", "open_weight_release", ["Open-Weight Frontier Release", "2026"]),
    ],
)
@pytest.mark.slow
def test_every_format_for_each_kind(cli, corpus_db, fmt, kind, key, must):
    text = cite(cli, kind, key, "--format", fmt, "--as-of", "2026-11-27")
    if kind == "paper" and fmt == "mla":
        must = ["Özcan", "et al.", "2026"]  # MLA names the first of three or more authors
    for word in must:
        assert word in text, (fmt, word, text)


def test_paper_bibtex_matches_the_reader_page_citation(cli, corpus_db):
    lib = bibtexparser.parse_string(cite(cli, "paper", PAPER, "--format", "bibtex"))
    assert len(lib.entries) == 1 and not lib.failed_blocks
    e = lib.entries[0]
    assert e.entry_type == "article"
    fields = {f.key: f.value for f in e.fields}
    assert fields["title"] == TITLE
    assert fields["author"] == "Özcan, Bengüsu and Petropoulos, Alex and Reddel, Max"
    assert fields["year"] == "2026"
    assert fields["eprint"] == "2602.19682"
    assert fields["archivePrefix"] == "arXiv"
    assert fields["primaryClass"] == "cs.CY"
    assert fields["url"] == "https://arxiv.org/abs/2602.19682"


def test_paper_apa_matches_the_reader_page_citation(cli, corpus_db):
    text = cite(cli, "paper", PAPER, "--format", "apa")
    assert text.startswith("Özcan, B., Petropoulos, A., & Reddel, M. (2026). " + TITLE)
    assert "arXiv" in text and text.rstrip().endswith("https://arxiv.org/abs/2602.19682")


def test_paper_mla_matches_the_reader_page_citation(cli, corpus_db):
    text = cite(cli, "paper", PAPER, "--format", "mla")
    # full given names, "et al." after the first author, title in quotes
    assert text.startswith("Özcan, Bengüsu, et al. “Beyond the Binary: A Nuanced Path for Open-weight Advanced AI”")
    assert "arXiv" in text and "2026" in text and "arxiv.org/abs/2602.19682" in text


def test_paper_ris_and_csl_json_parse(cli, corpus_db):
    entries = rispy.loads(cite(cli, "paper", PAPER, "--format", "ris"))
    assert entries[0]["authors"] == ["Özcan, Bengüsu", "Petropoulos, Alex", "Reddel, Max"]
    assert entries[0]["title"] == TITLE and entries[0]["year"] == "2026"
    csl = json.loads(cite(cli, "paper", PAPER, "--format", "csl-json"))
    assert csl[0]["DOI"] == "10.48550/arXiv.2602.19682"
    assert [a["family"] for a in csl[0]["author"]] == ["Özcan", "Petropoulos", "Reddel"]


def test_topic_citation_names_catalog_topic_date_and_identifier(cli, corpus_db):
    for fmt in ("apa", "mla", "chicago", "bibtex", "ris"):
        text = cite(cli, "topic", "open_weight_release", "--format", fmt, "--as-of", "2026-06-01")
        assert "AI Governance Knowledge Graph (kb)" in text, fmt
        assert "Open-Weight Frontier Release" in text, fmt
        assert "kb:topic/open_weight_release?asOf=2026-06-01" in text, fmt
    apa = cite(cli, "topic", "open_weight_release", "--format", "apa", "--as-of", "2026-06-01")
    assert "(2026, June 1)" in apa


def test_instrument_citation_uses_its_legal_citation(cli, corpus_db):
    assert "Regulation (EU) 2024/1689" in cite(cli, "instrument", "EU-AIA-2024", "--format", "bluebook")
    apa = cite(cli, "instrument", "EU-AIA-2024", "--format", "apa")
    assert apa.startswith("European Union. (2024). EU AI Act")
    assert re.search(r"https://eur-lex\.europa\.eu/\S+", apa)


def test_unknown_key_suggests_the_closest(cli, corpus_db):
    result = cli("cite", "instrument", "EU-AIA-2025")
    assert result.exit_code == 1
    assert "no instrument 'EU-AIA-2025'; did you mean 'EU-AIA-2024'" in result.output


def test_topic_citation_can_pin_the_record_instant(corpus_db):
    """A topic page as of a date changes when the catalog learns more about
    that date; a citation pinned to a record instant names it, and the
    command that rebuilds exactly that page."""
    from datetime import date, datetime

    from kb.cite import cite

    instant = datetime.now(UTC).replace(microsecond=0)
    stamp = instant.isoformat().replace("+00:00", "Z")
    item = json.loads(cite(corpus_db, "topic", "open_weight_release", "csl-json", date(2026, 6, 1), instant))[0]
    assert item["id"] == item["URL"] == f"kb:topic/open_weight_release?asOf=2026-06-01&asRecorded={stamp}"
    assert item["note"].endswith(f"`kb topic open_weight_release --as-of 2026-06-01 --as-recorded {stamp}`")
    with pytest.raises(Exception, match="not in the catalog as recorded at 2000-01-01T00:00:00Z"):
        cite(corpus_db, "topic", "open_weight_release", "apa", date(2026, 6, 1), datetime(2000, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("fmt", sorted(kb_cite.CSL_STYLES))
def test_a_style_run_once_per_item_gives_the_text_of_a_run_per_request(corpus_db, fmt):
    """render_csl runs a style once for items alike but for their URL and
    note (a page's instants) and puts those back: the text must be what the
    style gives for the item itself, at each of two instants."""
    from datetime import date, datetime, timedelta

    now = datetime.now(UTC)
    for instant in (now, now + timedelta(seconds=61, microseconds=123)):
        for kind, key, base in (
            ("topic", "open_weight_release", "http://127.0.0.1:8000"),
            ("topic", "deepfakes", None),
            ("instrument", "EU-AIA-2024", None),
        ):
            item = kb_cite.item_for(corpus_db, kind, key, date(2025, 6, 1), instant, base)
            direct = kb_cite._render_csl.__wrapped__(json.dumps({**item, "id": "kb-item"}, default=str), fmt)
            assert kb_cite.render_csl(item, fmt) == direct
            if "URL" in item and kind == "topic":
                assert item["URL"] in direct
