"""A synthetic AI-governance catalog in kb's CSV format, at any size.

    python bench/synth.py --instruments 10000 --topics 200 --out /tmp/cat-10k

writes one ``<section>.csv`` per section (docs/data-format.md) into ``--out``:
sources, jurisdictions (national, sub-national with ``part_of``, supranational,
international forums, global), topics in rank order, developers, instruments
(kind, binding and status mixes, adoption dates over ten years, a few undated,
status histories, ``catalog_rank`` 1..N, frameworks issued by developers),
papers, and the edges: treats (the coverage grid), conflicts, cites,
addresses, similar, signed, revokes.

The coverage grid: about a quarter of the instrument x topic cells are
non-silent (about 45% explicit, 50% implicit, 5% conflicts), about a tenth
are reviewed and found silent, and the rest are unreviewed (no record). Broad
instruments and salient topics get more cells, as in the real catalog.

The output is a pure function of the arguments (``--seed``). Rows are
streamed to the files: the grid is never held in memory (per instrument and
per topic a few numbers are kept, nothing per cell). A summary of what was
written goes to stdout as JSON and to ``synth.manifest`` beside the CSV
files (an extension the loader ignores).

    python bench/synth.py --change-from /tmp/cat-10k --step 1 --out /tmp/cat-10k-c1

derives a changed catalog (``derive_changed``): the same records, except
that 5% of the cells (rows of treats.csv, ``--share``) take another mode or
another pinpoint, picked by ``--seed`` and ``--step``. Derive step 2 from
step 1's folder and so on for successive changes; loading them one after
another, each at a later recorded instant, gives a catalog with history.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

# Field order of each CSV file (the header row).
FIELDS = {
    "sources": ["id", "title", "url", "publisher", "kind", "accessed", "note"],
    "jurisdictions": ["code", "name", "kind", "part_of", "source"],
    "topics": ["slug", "name", "definition", "question", "rank", "source"],
    "developers": ["id", "name", "posture", "home", "note", "source"],
    "instruments": [
        "id",
        "name",
        "short_name",
        "kind",
        "binding",
        "status",
        "status_history",
        "adopted",
        "effective",
        "ended",
        "date_source",
        "date_note",
        "jurisdiction",
        "issued_by",
        "citation",
        "url",
        "catalog_rank",
        "wikidata",
        "notes",
        "source",
    ],
    "papers": ["id", "title", "authors", "year", "venue", "primary_class", "url", "doi", "source"],
    "treats": ["instrument", "topic", "mode", "pinpoint", "confidence", "note", "source"],
    "conflicts": ["instrument", "other", "topic", "basis", "source"],
    "cites": ["from", "to", "note", "source"],
    "addresses": ["paper", "topic", "note", "source"],
    "similar": ["paper", "other", "note", "source"],
    "signed": ["developer", "instrument", "date", "note", "source"],
    "revokes": ["instrument", "revoked", "date", "scope", "note", "source"],
}

NONSILENT_SHARE = 0.25  # of all grid cells
SILENT_SHARE = 0.10  # reviewed and found silent

FIRST_DAY = date(2016, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days  # adoption dates span ten years

COUNTRIES = [
    tuple(c.split(":"))
    for c in (
        "US:United States, CN:China, UK:United Kingdom, FR:France, DE:Germany, JP:Japan, IN:India, BR:Brazil, "
        "CA:Canada, KR:South Korea, SG:Singapore, AE:United Arab Emirates, IL:Israel, IT:Italy, ES:Spain, "
        "NL:Netherlands, SE:Sweden, CH:Switzerland, AR:Argentina, MX:Mexico, ZA:South Africa, NG:Nigeria, KE:Kenya, "
        "EG:Egypt, SA:Saudi Arabia, TR:Turkey, RU:Russia, ID:Indonesia, VN:Vietnam, TH:Thailand, MY:Malaysia, "
        "PH:Philippines, NZ:New Zealand, AUS:Australia, CL:Chile, CO:Colombia, PE:Peru, PL:Poland, IE:Ireland, "
        "NO:Norway"
    ).split(", ")
]
SUBNATIONAL_PARENTS = ["US", "CN", "CA", "IN", "DE", "AUS", "BR", "ES", "UK", "MX"]
FORUMS = [
    tuple(c.split(":"))
    for c in (
        "G7:Group of Seven, G20:Group of Twenty, OECD:OECD, UN:United Nations, UNESCO:UNESCO, "
        "council_of_europe:Council of Europe, GPAI:Global Partnership on AI, ASEAN:ASEAN, BRICS:BRICS, APEC:APEC, "
        "ITU:ITU, NATO:NATO"
    ).split(", ")
]
SUPRANATIONAL = [("EU", "European Union"), ("AFRICAN_UNION", "African Union")]

KINDS = (
    ("binding_regulation", 0.25),
    ("executive_order", 0.08),
    ("policy_statement", 0.25),
    ("voluntary_code", 0.20),
    ("international_treaty", 0.03),
    ("resolution", 0.09),
    ("technical_standard", 0.10),
)
FORUM_KINDS = (
    ("international_treaty", 0.25),
    ("resolution", 0.35),
    ("voluntary_code", 0.25),
    ("policy_statement", 0.15),
)
BINDING_KINDS = {"binding_regulation", "executive_order", "international_treaty"}
STATUSES = (
    ("in_force", 0.45),
    ("partially_in_force", 0.08),
    ("adopted_not_in_force", 0.12),
    ("proposed", 0.25),
    ("vetoed", 0.04),
    ("revoked", 0.06),
)
KIND_WORDS = {
    "binding_regulation": ["Act", "Regulation", "Law", "Statute"],
    "executive_order": ["Executive Order", "Decree", "Presidential Order"],
    "policy_statement": ["White Paper", "Strategy", "Policy Statement", "Action Plan"],
    "voluntary_code": ["Code of Conduct", "Framework", "Guidelines", "Commitments"],
    "international_treaty": ["Convention", "Treaty", "Agreement"],
    "resolution": ["Resolution", "Declaration"],
    "technical_standard": ["Standard", "Technical Specification", "Profile"],
}
THEMES = (
    "Artificial Intelligence, Algorithmic Accountability, Automated Decision-Making, Frontier AI Safety, "
    "Generative AI Services, AI Risk Management, Trustworthy AI, Digital Services, Data Governance and AI, "
    "Synthetic Media, Biometric Systems, AI in Public Administration, Responsible Scaling, Model Evaluation"
).split(", ")
TOPIC_BASES = (
    "transparency foundation_models deepfakes redress criminal_justice compute_reporting sovereign_ai biometric_id "
    "employment healthcare education training_data catastrophic_risk tech_sovereignty agentic_systems "
    "open_weight_release international_coordination compute_export_controls environmental_impact national_security "
    "development_rights worker_displacement content_provenance elections child_safety copyright liability "
    "incident_reporting red_teaming model_evaluation insurance procurement critical_infrastructure "
    "financial_services autonomous_weapons privacy consumer_protection competition accessibility misinformation"
).split()
QUALIFIERS = (
    "disclosure audits thresholds liability oversight registries licensing sandboxes standards enforcement "
    "research procurement"
).split()
WORDS = (
    "the instrument requires providers to document assess disclose report monitor systems models "
    "risks developers deployers users public authorities obligations duties general principles "
    "guidance oversight high-risk testing evaluation safeguards incidents transparency training "
    "data rights remedies review audit thresholds publication registration cooperation"
).split()
FIRST_NAMES = (
    "Ana Ben Chen Dara Emeka Fatima Goran Hana Ines Jae Kofi Lena Mateo Nadia Omar Priya Quinn Rosa Sven Tomoko "
    "Umar Vera"
).split()
LAST_NAMES = (
    "Alvarez Bakker Costa Dubois Eze Fischer Gupta Haddad Ito Jensen Kim Lopez Mensah Novak Okafor Petrov Quispe "
    "Rossi Sato Tan Ueda"
).split()
VENUES = ["arXiv", "FAccT", "AIES", "NeurIPS", "ICML", "Science", "Nature Machine Intelligence", "Journal of AI Law"]
CLASSES = ["cs.CY", "cs.AI", "cs.LG", "cs.CL", "econ.GN"]


def pick(rng: random.Random, weighted) -> str:
    u, acc = rng.random(), 0.0
    for value, w in weighted:
        acc += w
        if u < acc:
            return value
    return weighted[-1][0]


def prose(rng: random.Random, lo: int, hi: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(lo, hi))
    return " ".join(words).capitalize() + "."


LAST_ENDED = date(2026, 6, 30)  # a revoked or vetoed instrument ended by then (not after today)


def day(rng: random.Random, start: date = FIRST_DAY, span: int = DAYS) -> date:
    return start + timedelta(days=rng.randrange(max(span, 1)))


def pinpoint(rng: random.Random, style: int) -> str:
    n = rng.randint(1, 120)
    if style == 0:
        text = f"Art. {n}" + (f"({rng.randint(1, 9)})" if rng.random() < 0.7 else "")
    elif style == 1:
        text = f"Sec. {n}" + (f"({'abcdefgh'[rng.randrange(8)]})" if rng.random() < 0.6 else "")
    elif style == 2:
        text = f"§ {rng.randint(1000, 29999)}.{rng.randint(1, 30)}"
    else:
        text = f"Principle {rng.randint(1, 12)}"
    if rng.random() < 0.15:
        text += f" + Recital {rng.randint(1, 180)}"
    elif rng.random() < 0.05:
        text += f" + Annex {'I II III IV V VI'.split()[rng.randrange(6)]}"
    return text


class Writers:
    """One csv.writer per section, opened lazily; counts rows."""

    def __init__(self, out: Path):
        self.out = out
        self.files = {}
        self.writers = {}
        self.counts = {name: 0 for name in FIELDS}

    def row(self, section: str, values: dict) -> None:
        w = self.writers.get(section)
        if w is None:
            fh = open(self.out / f"{section}.csv", "w", newline="", encoding="utf-8")
            self.files[section] = fh
            w = self.writers[section] = csv.writer(fh)
            w.writerow(FIELDS[section])
        w.writerow(["" if values.get(f) is None else values[f] for f in FIELDS[section]])
        self.counts[section] += 1

    def close(self) -> None:
        for section in FIELDS:  # every section gets a file, even an empty one (header only)
            if section not in self.writers:
                self.row_header_only(section)
        for fh in self.files.values():
            fh.close()

    def row_header_only(self, section: str) -> None:
        fh = open(self.out / f"{section}.csv", "w", newline="", encoding="utf-8")
        csv.writer(fh).writerow(FIELDS[section])
        self.files[section] = fh


def generate(
    instruments: int,
    topics: int,
    out: Path,
    seed: int = 6,
    nonsilent: float = NONSILENT_SHARE,
    silent: float = SILENT_SHARE,
) -> dict:
    t0 = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.csv"):
        old.unlink()
    w = Writers(out)
    R = lambda part: random.Random(f"kb-synth:{seed}:{part}")  # noqa: E731  one stream per part

    # -- sources: catalog pages, registries (instrument and paper sources come with them)
    rng = R("sources")
    w.row(
        "sources",
        {
            "id": "catalog:hub",
            "title": "Catalog hub page",
            "kind": "catalog",
            "url": "https://catalog.example/hub",
            "publisher": "Policy Window",
            "accessed": "2026-01-15",
        },
    )
    registries = [f"registry:{k}" for k in ("gazette", "federal-register", "eurlex", "legislature")]
    for r in registries:
        w.row(
            "sources",
            {
                "id": r,
                "title": f"Official registry {r.split(':')[1]}",
                "kind": "primary",
                "url": f"https://{r.split(':')[1]}.example/",
                "accessed": day(rng).isoformat(),
            },
        )

    # -- jurisdictions
    rng = R("jurisdictions")
    n_national = max(len(COUNTRIES), min(190, 30 + instruments // 100))
    n_sub = max(20, min(400, instruments // 60))
    national = list(COUNTRIES) + [(f"X{k:03d}", f"Country {k}") for k in range(len(COUNTRIES), n_national)]
    jur_rows = [("global", "Global", "global", None)]
    jur_rows += [(c, n, "supranational", None) for c, n in SUPRANATIONAL]
    jur_rows += [(c, n, "international_forum", None) for c, n in FORUMS]
    jur_rows += [(c, n, "national", None) for c, n in national]
    for k in range(n_sub):
        parent = SUBNATIONAL_PARENTS[k % len(SUBNATIONAL_PARENTS)] if k < 200 else national[rng.randrange(40)][0]
        jur_rows.append((f"{parent}-R{k:03d}", f"Region {k} of {parent}", "sub_national", parent))
    for code, name, kind, part_of in jur_rows:
        w.row("jurisdictions", {"code": code, "name": name, "kind": kind, "part_of": part_of, "source": "catalog:hub"})
    # Where instruments come from: skewed (a few jurisdictions issue most), forums get treaties.
    jur_codes = [j[0] for j in jur_rows]
    jur_kind = {j[0]: j[2] for j in jur_rows}
    order = jur_codes[:]
    rng.shuffle(order)
    for lead in ("US", "EU", "CN", "UK"):  # the usual leaders first
        order.remove(lead)
        order.insert(0, lead)
    jur_weights = [1.0 / (r + 1) ** 0.8 for r in range(len(order))]

    # -- topics (salience: how often instruments address each)
    rng = R("topics")
    slugs: list[str] = []
    for k in range(topics):
        base = TOPIC_BASES[k % len(TOPIC_BASES)]
        lap = k // len(TOPIC_BASES)
        slug = (
            base
            if lap == 0
            else f"{base}_{QUALIFIERS[(lap - 1) % len(QUALIFIERS)]}" + ("" if lap <= len(QUALIFIERS) else f"_{lap}")
        )
        slugs.append(slug)
        w.row(
            "sources",
            {
                "id": f"catalog:topic-{slug}",
                "title": f"Catalog topic page: {slug}",
                "kind": "catalog",
                "url": f"https://catalog.example/topic/{slug}",
                "publisher": "Policy Window",
                "accessed": "2026-01-15",
            },
        )
        w.row(
            "topics",
            {
                "slug": slug,
                "name": slug.replace("_", " ").title(),
                "definition": prose(rng, 15, 30),
                "question": prose(rng, 12, 25) if rng.random() < 0.5 else None,
                "rank": k + 1,
                "source": f"catalog:topic-{slug}",
            },
        )
    salience = [rng.uniform(0.3, 1.7) for _ in range(topics)]

    # -- developers
    rng = R("developers")
    n_dev = max(20, min(600, 20 + instruments // 100))
    developers = []
    homes = [c for c, _ in COUNTRIES[:12]]
    for k in range(n_dev):
        dev = f"dev-{k:04d}"
        home = homes[min(int(rng.expovariate(0.5)), len(homes) - 1)]
        developers.append((dev, home))
        w.row(
            "developers",
            {
                "id": dev,
                "name": f"Developer {k} AI",
                "posture": pick(rng, (("open", 0.3), ("closed", 0.45), ("mixed", 0.25))),
                "home": home,
                "note": prose(rng, 8, 20) if rng.random() < 0.3 else None,
                "source": "catalog:hub",
            },
        )

    # -- instruments (per instrument a few numbers are kept for the grid: breadth, bindingness)
    rng = R("instruments")
    inst_ids: list[str] = []
    breadth: list[float] = []
    binding_of: list[bool] = []
    revoked: list[tuple[int, date]] = []
    voluntary: list[int] = []
    for i in range(instruments):
        issued_by = None
        jur = rng.choices(order, weights=jur_weights)[0]
        forum = jur_kind[jur] in ("international_forum", "global")
        kind = pick(rng, FORUM_KINDS if forum else KINDS)
        if kind in ("voluntary_code", "technical_standard") and not forum and rng.random() < 0.4:
            issued_by, jur = developers[rng.randrange(n_dev)]
        binding = kind in BINDING_KINDS and not (kind == "international_treaty" and rng.random() < 0.3)
        status = pick(rng, STATUSES)
        undated = status in ("proposed", "vetoed") and rng.random() < 0.15  # ~4% of all: bills never passed
        adopted = None if undated else day(rng)
        effective = ended = None
        history = None
        src = f"src:{jur}:{i + 1}"
        if adopted and status in ("in_force", "partially_in_force", "revoked") and rng.random() < 0.6:
            effective = min(adopted + timedelta(days=rng.randrange(0, 730)), date(2026, 6, 30))
        if status in ("revoked", "vetoed"):
            ended = min((effective or adopted or day(rng)) + timedelta(days=rng.randrange(30, 900)), LAST_ENDED)
        if adopted and rng.random() < 0.2:
            steps = [(adopted, "adopted_not_in_force" if effective and effective > adopted else "in_force")]
            if effective and effective > adopted:
                steps.append((effective, "in_force"))
            if status in ("revoked", "partially_in_force") and ended is None:
                ended_step = steps[-1][0] + timedelta(days=rng.randrange(30, 600))
                steps.append((ended_step, status))
            elif ended is not None:
                steps.append((ended, status))
            if steps[-1][1] != status:
                steps.append((steps[-1][0] + timedelta(days=rng.randrange(1, 400)), status))
            history = ";".join(f"{d.isoformat()}:{s}:{src}" for d, s in steps)
        year = adopted.year if adopted else "ND"
        words = KIND_WORDS[kind]
        theme = THEMES[rng.randrange(len(THEMES))]
        ident = f"{jur}-{kind[:3].upper()}-{year}-{i + 1:05d}"
        name = f"{jur} {theme} {words[rng.randrange(len(words))]}" + (f" {year}" if adopted else "")
        w.row(
            "sources",
            {
                "id": src,
                "title": f"Official text of {name}",
                "kind": "primary",
                "url": f"https://law.example/{jur.lower()}/{i + 1}",
                "publisher": f"Government of {jur}",
                "accessed": day(rng, date(2025, 1, 1), 400).isoformat(),
            },
        )
        w.row(
            "instruments",
            {
                "id": ident,
                "name": name,
                "short_name": f"{jur} {theme.split()[0]} {words[0]}" if rng.random() < 0.6 else None,
                "kind": kind,
                "binding": "true" if binding else "false",
                "status": status,
                "status_history": history,
                "adopted": adopted.isoformat() if adopted else None,
                "effective": effective.isoformat() if effective else None,
                "ended": ended.isoformat() if ended else None,
                "date_source": registries[rng.randrange(len(registries))] if rng.random() < 0.05 else None,
                "date_note": prose(rng, 10, 25) if rng.random() < 0.05 else None,
                "jurisdiction": jur,
                "issued_by": issued_by,
                "citation": f"{jur} No. {rng.randint(1, 999)}/{year}" if rng.random() < 0.5 else None,
                "url": f"https://law.example/{jur.lower()}/{i + 1}" if rng.random() < 0.7 else None,
                "catalog_rank": i + 1,
                "wikidata": f"Q{rng.randint(10_000, 130_000_000)}" if rng.random() < 0.3 else None,
                "notes": prose(rng, 15, 40) if rng.random() < 0.4 else None,
                "source": src,
            },
        )
        inst_ids.append(ident)
        breadth.append(rng.uniform(0.3, 1.7) if kind != "binding_regulation" else rng.uniform(0.6, 2.0))
        binding_of.append(binding)
        if status == "revoked":
            revoked.append((i, ended or day(rng)))
        if kind in ("voluntary_code", "international_treaty"):
            voluntary.append(i)

    # -- the coverage grid, one instrument at a time
    rng = R("treats")
    counts = {"explicit": 0, "implicit": 0, "conflicts": 0, "silent": 0, "unreviewed": 0}
    last_explicit: dict[int, int] = {}  # topic -> last instrument explicit on it (for curated conflicts)
    mean_breadth = sum(breadth) / max(len(breadth), 1)
    mean_salience = sum(salience) / max(len(salience), 1)
    scale = nonsilent / (mean_breadth * mean_salience)
    random_ = rng.random
    for i, ident in enumerate(inst_ids):
        b = breadth[i] * scale
        explicit_share = 0.55 if binding_of[i] else 0.38
        style = i % 4
        isrc = _inst_source(ident, i)
        for t in range(topics):
            p_ns = min(0.95, b * salience[t])
            p_s = silent * (1 - p_ns) / (1 - nonsilent)
            u = random_()
            if u >= p_ns + p_s:
                counts["unreviewed"] += 1
                continue
            slug = slugs[t]
            if u < p_ns:
                v = random_()
                mode = "conflicts" if v < 0.05 else ("explicit" if v < 0.05 + explicit_share else "implicit")
            else:
                mode = "silent"
            counts[mode] += 1
            if mode == "explicit":
                pin = pinpoint(rng, style) if random_() < 0.85 else None
                conf = "high" if pin and random_() < 0.8 else ("medium" if random_() < 0.8 else "low")
                note = prose(rng, 8, 18) if random_() < 0.25 else None
                last_explicit[t] = i
            elif mode == "implicit":
                pin = pinpoint(rng, style) if random_() < 0.55 else None
                conf = "high" if pin and random_() < 0.5 else ("medium" if random_() < 0.6 else "low")
                note = prose(rng, 8, 18) if random_() < 0.35 else None
            elif mode == "conflicts":
                pin = pinpoint(rng, style) if random_() < 0.7 else None
                conf = "high" if pin else "medium"
                note = prose(rng, 10, 20)
                j = last_explicit.get(t)
                if j is not None and random_() < 0.3:
                    w.row(
                        "conflicts",
                        {
                            "instrument": ident,
                            "other": inst_ids[j],
                            "topic": slug,
                            "basis": prose(rng, 12, 30),
                            "source": f"catalog:topic-{slug}",
                        },
                    )
            else:
                pin = None
                conf = "high" if random_() < 0.3 else ("medium" if random_() < 0.55 else "low")
                note = prose(rng, 6, 14) if random_() < 0.4 else None
            # a cell at high cites the primary text (the instrument's own source), by the confidence rule
            src = f"catalog:topic-{slug}" if random_() < 0.3 and conf != "high" else isrc
            w.row(
                "treats",
                {
                    "instrument": ident,
                    "topic": slug,
                    "mode": mode,
                    "pinpoint": pin,
                    "confidence": conf,
                    "note": note,
                    "source": src,
                },
            )

    # -- papers, with citations, topics addressed and similar papers
    rng = R("papers")
    n_papers = max(20, min(10_000, instruments // 5))
    paper_ids: list[str] = []
    for k in range(n_papers):
        year = 2016 + k * 11 // n_papers
        pid = f"arXiv:{year % 100:02d}{rng.randint(1, 12):02d}.{k:05d}"
        src = f"arxiv:{pid.split(':')[1]}"
        w.row(
            "sources",
            {
                "id": src,
                "title": f"arXiv record {pid}",
                "kind": "paper",
                "url": f"https://arxiv.org/abs/{pid.split(':')[1]}",
                "publisher": "arXiv",
            },
        )
        authors = ";".join(
            f"{FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]} {LAST_NAMES[rng.randrange(len(LAST_NAMES))]}"
            for _ in range(rng.randint(1, 8))
        )
        w.row(
            "papers",
            {
                "id": pid,
                "title": prose(rng, 6, 14).rstrip("."),
                "authors": authors,
                "year": year,
                "venue": VENUES[rng.randrange(len(VENUES))],
                "primary_class": CLASSES[rng.randrange(len(CLASSES))],
                "url": f"https://arxiv.org/abs/{pid.split(':')[1]}",
                "doi": f"10.48550/arXiv.{pid.split(':')[1]}" if rng.random() < 0.5 else None,
                "source": src,
            },
        )
        targets = {inst_ids[min(int(rng.paretovariate(1.2)) - 1, instruments - 1)] for _ in range(rng.randint(1, 5))}
        if paper_ids:
            targets |= {paper_ids[rng.randrange(len(paper_ids))] for _ in range(rng.randint(0, 3))}
        for to in sorted(targets):
            w.row(
                "cites",
                {"from": pid, "to": to, "note": prose(rng, 6, 14) if rng.random() < 0.3 else None, "source": src},
            )
        for t in sorted({rng.randrange(topics) for _ in range(rng.randint(1, 4))}):
            w.row("addresses", {"paper": pid, "topic": slugs[t], "note": None, "source": src})
        if paper_ids and rng.random() < 0.2:
            for other in sorted({paper_ids[rng.randrange(len(paper_ids))] for _ in range(rng.randint(1, 2))}):
                w.row("similar", {"paper": pid, "other": other, "note": None, "source": src})
        paper_ids.append(pid)

    # -- instruments citing earlier instruments
    rng = R("cites")
    for i in range(1, instruments):
        if rng.random() < 0.1:
            for j in sorted({rng.randrange(i) for _ in range(rng.randint(1, 2))}):
                w.row(
                    "cites",
                    {
                        "from": inst_ids[i],
                        "to": inst_ids[j],
                        "note": prose(rng, 6, 14),
                        "source": _inst_source(inst_ids[i], i),
                    },
                )

    # -- developers signing voluntary codes and treaties
    rng = R("signed")
    if voluntary:
        for dev, _ in developers:
            for v in sorted({voluntary[rng.randrange(len(voluntary))] for _ in range(rng.randint(0, 3))}):
                w.row(
                    "signed",
                    {
                        "developer": dev,
                        "instrument": inst_ids[v],
                        "date": day(rng).isoformat() if rng.random() < 0.7 else None,
                        "note": None,
                        "source": "catalog:hub",
                    },
                )

    # -- revocations: each revoked instrument revoked by another one
    rng = R("revokes")
    for i, when in revoked:
        j = rng.randrange(instruments - 1)
        j = j + 1 if j >= i else j
        w.row(
            "revokes",
            {
                "instrument": inst_ids[j],
                "revoked": inst_ids[i],
                "date": when.isoformat(),
                "scope": "full" if rng.random() < 0.8 else "partial",
                "note": None,
                "source": _inst_source(inst_ids[j], j),
            },
        )
    w.close()

    grid = instruments * topics
    manifest = {
        "instruments": instruments,
        "topics": topics,
        "seed": seed,
        "grid_cells": grid,
        "treats_rows": w.counts["treats"],
        "modes": counts,
        "nonsilent_share": round((counts["explicit"] + counts["implicit"] + counts["conflicts"]) / max(grid, 1), 4),
        "silent_share": round(counts["silent"] / max(grid, 1), 4),
        "rows": w.counts,
        "records": sum(w.counts.values()),
        "bytes": sum(f.stat().st_size for f in out.glob("*.csv")),
        "seconds": round(time.monotonic() - t0, 2),
    }
    (out / "synth.manifest").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _inst_source(ident: str, i: int) -> str:
    """The source id written with instrument ``i`` (src:<jurisdiction>:<n>)."""
    jur = ident.rsplit("-", 3)[0]
    return f"src:{jur}:{i + 1}"


# -- changed catalogs: the same records, some cells changed -------------------------
CHANGE_SHARE = 0.05  # of the cells (rows of treats.csv) a changed catalog changes
MODES = ("explicit", "implicit", "conflicts", "silent")


def derive_changed(src: Path, out: Path, step: int = 1, seed: int = 6, share: float = CHANGE_SHARE) -> dict:
    """Write into ``out`` a copy of the catalog in ``src`` in which ``share``
    of the cells (rows of treats.csv, exactly round(share x rows)) are
    changed: half take another mode (a cell turned silent loses its
    pinpoint, a silent one turned not silent gains one), half keep their
    mode and take another pinpoint (a silent cell, which has none, another
    note). Every other file is copied as it is:
    the same instruments, topics and everything else. Which rows change and
    how is a pure function of (``seed``, ``step``) and the rows of ``src``;
    derive step k + 1 from step k's folder for successive changes."""
    t0 = time.monotonic()
    if src.resolve() == out.resolve():
        raise ValueError("derive a changed catalog into another folder than its source")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.csv"):
        old.unlink()
    with (src / "treats.csv").open(newline="", encoding="utf-8") as f:
        rows = sum(1 for _ in csv.reader(f)) - 1
    rng = random.Random(f"kb-synth-change:{seed}:{step}")
    k = round(share * rows)
    chosen = set(rng.sample(range(rows), k)) if rows else set()
    moves: dict[str, int] = {}
    changed = {"mode": 0, "pinpoint": 0}
    with (
        (src / "treats.csv").open(newline="", encoding="utf-8") as fin,
        (out / "treats.csv").open("w", newline="", encoding="utf-8") as fout,
    ):
        reader = csv.DictReader(fin)
        writer = csv.DictWriter(fout, fieldnames=reader.fieldnames)
        writer.writeheader()
        for i, row in enumerate(reader):
            if i in chosen:
                old_mode = row["mode"]
                if rng.random() < 0.5:
                    row["mode"] = rng.choice([m for m in MODES if m != old_mode])
                    if row["mode"] == "silent":
                        row["pinpoint"] = ""
                    elif old_mode == "silent":
                        row["pinpoint"] = pinpoint(rng, rng.randrange(4))
                    moves[f"{old_mode}->{row['mode']}"] = moves.get(f"{old_mode}->{row['mode']}", 0) + 1
                    changed["mode"] += 1
                else:
                    if old_mode == "silent":  # a silent cell has no pinpoint: its note changes instead
                        row["note"] = prose(rng, 6, 14)
                    else:
                        new = pinpoint(rng, rng.randrange(4))
                        while new == row["pinpoint"]:
                            new = pinpoint(rng, rng.randrange(4))
                        row["pinpoint"] = new
                    changed["pinpoint"] += 1
            writer.writerow(row)
    for path in sorted(src.glob("*.csv")):
        if path.name != "treats.csv":
            shutil.copyfile(path, out / path.name)
    base = json.loads((src / "synth.manifest").read_text()) if (src / "synth.manifest").exists() else {}
    manifest = {
        "changed_from": str(src),
        "step": step,
        "seed": seed,
        "share": share,
        "instruments": base.get("instruments"),
        "topics": base.get("topics"),
        "base_seed": base.get("base_seed", base.get("seed")),
        "treats_rows": rows,
        "changed_cells": k,
        "changed": changed,
        "mode_moves": dict(sorted(moves.items())),
        "records": base.get("records"),
        "grid_cells": base.get("grid_cells"),
        "bytes": sum(f.stat().st_size for f in out.glob("*.csv")),
        "seconds": round(time.monotonic() - t0, 2),
    }
    (out / "synth.manifest").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instruments", type=int, help="number of instruments (rows of the grid)")
    ap.add_argument("--topics", type=int, help="number of topics (columns of the grid)")
    ap.add_argument("--out", type=Path, required=True, help="folder to write the CSV files into")
    ap.add_argument("--seed", type=int, default=6, help="same seed, same catalog (default 6)")
    ap.add_argument("--nonsilent", type=float, default=NONSILENT_SHARE, help="share of cells not silent")
    ap.add_argument("--silent", type=float, default=SILENT_SHARE, help="share of cells reviewed and silent")
    ap.add_argument(
        "--change-from",
        type=Path,
        default=None,
        help="derive a changed catalog from the one in this folder (see --step, --share)",
    )
    ap.add_argument("--step", type=int, default=1, help="with --change-from: which change (picks the cells)")
    ap.add_argument("--share", type=float, default=CHANGE_SHARE, help="with --change-from: share of cells changed")
    args = ap.parse_args(argv)
    if args.change_from is not None:
        manifest = derive_changed(args.change_from, args.out, args.step, args.seed, args.share)
        json.dump(manifest, sys.stdout, indent=2)
        print()
        return 0
    if args.instruments is None or args.topics is None:
        ap.error("--instruments and --topics are required (or --change-from)")
    if args.instruments < 2 or args.topics < 1:
        ap.error("need at least 2 instruments and 1 topic")
    manifest = generate(args.instruments, args.topics, args.out, args.seed, args.nonsilent, args.silent)
    json.dump(manifest, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
