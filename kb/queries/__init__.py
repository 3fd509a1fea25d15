"""kb's questions, answered as plain data: named read-only Cypher queries
(``cypher/queries/``, one per file) and the pages built on them.

This package knows nothing of click nor of how an answer is shown: it
returns dicts, lists and dataclasses of values, which ``kb.render`` turns
into tables, JSON, CSV or Markdown.

* ``registry``: the query files, parsed (``get``, ``load_queries``);
* ``params``: a query's parameters, checked and converted;
* ``values``: what the driver returns, as Python values;
* ``reader``: running them in READ transactions, one each or a page's all in one;
* ``clocks``: the two clocks a question is asked at;
* ``lookup``, ``topic``, ``gaps``, ``matrix``, ``compare``, ``entities``,
  ``adhoc``: the questions.

The names below are the API callers outside this package use.
"""

from __future__ import annotations

from kb.queries.clocks import to_date
from kb.queries.limits import ALL_PAIRS_LIMIT, PAGE_LIMIT
from kb.queries.params import check_params, parse_assignments
from kb.queries.reader import OneRead, Reader, one_read, quiet_driver, run, run_one
from kb.queries.registry import QueryFileError, get, list_queries, load_queries, parse, queries_dir
from kb.queries.values import native

__all__ = [
    "ALL_PAIRS_LIMIT",
    "PAGE_LIMIT",
    "OneRead",
    "QueryFileError",
    "Reader",
    "check_params",
    "get",
    "list_queries",
    "load_queries",
    "native",
    "one_read",
    "parse",
    "parse_assignments",
    "queries_dir",
    "quiet_driver",
    "run",
    "run_one",
    "to_date",
]
