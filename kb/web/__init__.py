"""``kb serve``: kb's pages as HTML and JSON over HTTP, read-only.

``kb.web.app`` holds the application (``create_app``) and ``serve``; the
routes and their parameters are in ``routes`` and ``params``, what each
answers in ``pages``, the OpenAPI description in ``openapi``, the Atom
feed in ``atom``, an instrument's JSON-LD in ``jsonld``. Imports point one
way: kb.web → kb.render → kb.queries; kb.web never imports kb.cli.
"""
