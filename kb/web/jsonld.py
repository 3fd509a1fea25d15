"""An instrument page's JSON-LD: a schema.org ``Legislation`` with the
identifiers kb holds (its id, its official citation, its official
identifiers such as CELEX, ELI or a Federal Register number, its URL)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from kb.cite import catalog_name
from kb.render.formats import to_jsonable

# kb's statuses as schema.org's LegalForceStatus
LEGAL_FORCE = {
    "in_force": "https://schema.org/InForce",
    "partially_in_force": "https://schema.org/PartiallyInForce",
    "adopted_not_in_force": "https://schema.org/NotInForce",
    "revoked": "https://schema.org/NotInForce",
    "vetoed": "https://schema.org/NotInForce",
    "proposed": "https://schema.org/NotInForce",
}


def legislation(d: dict[str, Any], page_url: str, base_url: str) -> dict[str, Any]:
    """``d``: kb.queries.entities.instrument_data's; ``page_url``: the page's permanent address."""
    i, j, dev = d["instrument"], d["jurisdiction"] or {}, d["issued_by"]
    identifiers = [{"@type": "PropertyValue", "propertyID": "kb", "value": i["id"]}]
    if i.get("citation"):
        identifiers.append({"@type": "PropertyValue", "propertyID": "citation", "value": i["citation"]})
    official = dict(x.split(":", 1) for x in i.get("identifiers") or ())  # "celex:32024R1689" (kb.schema.model)
    for scheme, value in official.items():
        identifiers.append({"@type": "PropertyValue", "propertyID": scheme, "value": value})
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": f"{base_url}/instruments/{quote(i['id'], safe=':@')}",
        "url": page_url,
        "name": i["name"],
        "identifier": identifiers,
        "legislationType": i["kind"],
        "isPartOf": {"@type": "Dataset", "name": catalog_name(), "url": base_url + "/"},
    }
    if i.get("short_name"):
        doc["alternateName"] = i["short_name"]
    # schema.org: "a string-based identifier, like the CELEX ..., or a web-based one, like an ELI"
    if official.get("eli") or official.get("celex") or i.get("citation"):
        doc["legislationIdentifier"] = official.get("eli") or official.get("celex") or i["citation"]
    if i.get("adopted"):
        doc["legislationDate"] = i["adopted"]
    if i.get("effective"):
        doc["legislationDateOfApplicability"] = i["effective"]
    if i.get("ended"):
        doc["expires"] = i["ended"]
    if i.get("status") in LEGAL_FORCE:
        doc["legislationLegalForce"] = LEGAL_FORCE[i["status"]]
    if i.get("url"):
        doc["sameAs"] = i["url"]
    if j:
        doc["legislationJurisdiction"] = {
            "@type": "AdministrativeArea",
            "name": j.get("name"),
            "identifier": j.get("code"),
        }
    if dev:
        doc["legislationPassedBy"] = {"@type": "Organization", "name": dev["name"], "identifier": dev["id"]}
    return to_jsonable(doc)


def script_text(doc: dict[str, Any]) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' that could
    close it or start markup."""
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
