"""The OpenAPI 3.1 description of ``kb serve``'s JSON API, written from the
route table (kb.web.routes): the paths, their parameters and answers, and
the one error shape."""

from __future__ import annotations

from typing import Any

from kb.web.routes import FEED, ROUTES

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "message", "did_you_mean"],
            "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "parameter": {"type": "string", "description": "The parameter at fault, when one is."},
                "did_you_mean": {"type": "array", "items": {"type": "string"}},
            },
        }
    },
}


def _error(text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _query(params) -> list[dict[str, Any]]:
    out = []
    for p in params:
        q: dict[str, Any] = {"name": p.name, "in": "query", "description": p.description, "schema": p.schema()}
        if p.required:
            q["required"] = True
        if p.repeat:
            q["style"], q["explode"] = "form", True
        out.append(q)
    return out


def description(base_url: str) -> dict[str, Any]:
    from importlib.metadata import version

    paths: dict[str, Any] = {}
    for r in ROUTES:
        params = _query(r.api_params())
        if r.key:
            params.insert(
                0,
                {
                    "name": "key",
                    "in": "path",
                    "required": True,
                    "description": f"The {r.key} (a typed key that differs only in case is accepted).",
                    "schema": {"type": "string"},
                },
            )
        content: dict[str, Any] = {"application/json": {"schema": {}}}
        if r.csv:
            content["text/csv"] = {"schema": {"type": "string"}}
        responses = {
            "200": {
                "description": f"The same answer as `{r.cli} --format json` (format=csv: `--format csv`).",
                "content": content,
            },
            "400": _error("A parameter kb does not take, or a value it cannot read."),
        }
        if r.key or r.name in ("compare", "matrix", "changes"):
            responses["404"] = _error("No such key in the catalog at these clocks; did_you_mean lists the closest.")
        paths[r.api] = {
            "get": {
                "operationId": r.name,
                "summary": r.summary,
                "description": f"CLI: `{r.cli}`." + (f" HTML page: {r.path}" if r.path else ""),
                "parameters": params,
                "responses": responses,
            }
        }
    paths["/changes.atom"] = {
        "get": {
            "operationId": "changes_feed",
            "summary": "The change sets of the catalog as an Atom feed, newest first.",
            "parameters": _query(FEED),
            "responses": {
                "200": {
                    "description": "An Atom feed.",
                    "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                },
                "400": _error("A parameter kb does not take."),
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kb: a knowledge graph of AI governance",
            "version": version("kb"),
            "description": "Read-only. Every answer is read live from the graph, in read transactions. asOf (legal "
            "time) and asRecorded (record time) pick the clocks; errors have one shape (Error).",
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {"schemas": {"Error": ERROR}},
    }
