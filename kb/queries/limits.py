"""How many rows a page lists of its long lists, unless asked for more."""

PAGE_LIMIT = 50  # rows a page lists of each long list (coverage, timeline, silent regimes); None = all
ALL_PAIRS_LIMIT = 100  # pairs `kb forum-shopping --all` lists, best first; None = every pair
