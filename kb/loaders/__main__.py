"""``python -m kb.loaders PATH...``: load catalog files, as ``kb load`` does."""

import sys

from kb.cli import main

if __name__ == "__main__":
    sys.exit(main(["load", *sys.argv[1:]]))
