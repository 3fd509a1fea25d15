"""Forum-shopping between jurisdictions (forum_shopping_jurisdictions,
kb.queries.forum): a strict jurisdiction has a law of its own that counts and
treats the topic explicitly; its lenient partner is an unrelated place where no
law that counts, its own or of what it is part of, addresses the topic."""

from __future__ import annotations

import pytest

from kb.errors import KbError
from kb.queries.clocks import Clocks
from kb.queries.forum import jurisdiction_pairs


def pairs(db, slug="open_weight_release", clocks=None, **options) -> list[tuple]:
    data = jurisdiction_pairs(db, slug, clocks, **options)
    return [
        (
            r["strict_jurisdiction"],
            tuple(r["strict_instruments"]),
            r["lenient_jurisdiction"],
            r["lenient_basis"],
            tuple(r["lenient_instruments"]),
        )
        for r in data["pairs"]
    ]


EU = ("EU", ("EU-AIA-2024",))


def test_binding_law_in_force_by_default(corpus_db):
    """The EU AI Act is the only binding law in force explicit on open-weight
    release (California's SB-1047 was vetoed; Meta's framework is voluntary).
    China's Interim Measures address it implicitly, so China is no partner;
    France is part of the EU; the forums (UN, G7, OECD ...) are never places."""
    assert pairs(corpus_db) == [
        (*EU, "IN", "silent", ("IN-DPDP-2023 (silent)",)),
        (*EU, "US", "silent", ("US-EO-14179 (silent)",)),
        (*EU, "US-CA", "silent", ("US-EO-14179 (silent)",)),  # the federal order applies in California
        (*EU, "BR", "none", ()),  # a bill only
        (*EU, "JP", "none", ()),  # voluntary guidelines only
        (*EU, "SG", "none", ()),
        (*EU, "UK", "none", ()),
    ]


def test_voluntary_instruments_when_asked(corpus_db):
    """Company frameworks then make the US strict, and a voluntary code that
    addresses the topic (Google DeepMind's, under the UK) takes the UK out."""
    got = pairs(corpus_db, include_voluntary=True)
    assert {(s, lenient) for s, _, lenient, _, _ in got} == {
        (s, lenient) for s in ("EU", "US") for lenient in ("BR", "IN", "JP", "SG")
    }
    assert ("US", ("META-FRONTIER-2024",), "JP", "silent", ("JP-METI-AI-2024 (silent)",)) in got


def test_proposed_instruments_when_asked(corpus_db):
    """Brazil's bill then counts: reviewed and silent."""
    got = pairs(corpus_db, include_proposed=True)
    assert (*EU, "BR", "silent", ("BR-AIBILL-2024 (silent)",)) in got
    assert len(got) == 7


def test_kinds_that_count(corpus_db):
    """Only binding regulations: the US executive order no longer counts, so
    the US has no law that counts."""
    got = pairs(corpus_db, kinds=["binding_regulation"])
    assert (*EU, "US", "none", ()) in got
    assert pairs(corpus_db, kinds=["executive_order"]) == []  # no executive order is explicit on it


def test_the_law_on_a_date(corpus_db):
    """On 2024-12-31 EO 14110 was in force and addressed the topic implicitly:
    the US and California were no partners."""
    got = pairs(corpus_db, clocks=Clocks.resolve("2024-12-31"))
    assert [lenient for _, _, lenient, _, _ in got] == ["IN", "JP", "SG", "UK"]
    assert pairs(corpus_db, clocks=Clocks.resolve("2024-01-01")) == []  # before the AI Act


def test_unreviewed_is_said(corpus_db):
    """On transparency India's and the US's binding law has no cell: the basis
    says not reviewed, never silent."""
    got = pairs(corpus_db, "transparency")
    assert (*EU, "IN", "unreviewed", ("IN-DPDP-2023 (unreviewed)",)) in got
    assert not [r for r in got if r[3] == "silent" and "(unreviewed)" in " ".join(r[4])]


def test_bad_options_say_what_to_use(corpus_db):
    with pytest.raises(KbError, match=r"unknown instrument kind 'law'; use one of: binding_regulation, "):
        jurisdiction_pairs(corpus_db, "open_weight_release", kinds=["law"])
    with pytest.raises(KbError, match="open_weight_releas"):
        jurisdiction_pairs(corpus_db, "open_weight_releas")
