"""Rubric: rules as data, the engine that applies them, and the checks data can't say.

Takes a doc's model (and, for a rule's `when`/`require` predicates, the node it selects);
gives findings with their three columns (``grade``: one file's docs; ``collect``: many
files, in workers, from the result cache). Rules are read from rubrics/ (``load``), with a
config's and custom rubrics' changes; ``catalog`` and ``examples`` say what each rule is.
"""
