"""How kb's answers are shown: plain data from kb.queries, turned into a
table for a terminal, JSON, CSV or Markdown.

* ``formats``: rows (a list of dicts) in each of those formats;
* ``blocks``: a page as headings, paragraphs, bullet lists and tables, in
  no particular format (``Page``);
* ``pages``: a ``Page`` written in one of the formats;
* ``html``: a ``Page``'s blocks as escaped HTML, the records they name
  linked (``kb serve``, kb.web);
* ``topic_page``, ``gaps_page``, ``matrix_page``, ``compare_page``,
  ``entity_pages``: the layouts, one function per page, each taking the
  data a kb.queries function returned and the clocks it was read at.

Imports point one way: kb.cli and kb.web use this package, this package reads
kb.queries' data (and constants), and kb.queries never imports it. Another
writer (SVG) goes beside ``pages`` and reuses the blocks and layouts.
"""
