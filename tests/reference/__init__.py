"""The loader as it was before issue 23 (verbatim but for its import of readings): the oracle
tests/test_loader_sameness.py compares the fast loader against. Not shipped, never imported
by deploylint itself."""
