"""`deploylint audit`: real audit rows (JSON Lines or a JSON array) checked against the
audit-row rules, with a doc's model (``--doc``) for its columns and its agents.

Takes a rows file and, optionally, a doc; gives findings at each row's line and field's
column, streamed (``run``, ``rows``, ``check``; ``streams`` writes them).
"""
