"""Entry point for ``python -m deploylint``."""

from __future__ import annotations

from deploylint.cli import main

if __name__ == "__main__":
    main()
