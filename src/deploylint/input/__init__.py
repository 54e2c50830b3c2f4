"""Input: which files a run reads, and their bytes.

Takes the paths and globs from the command line and the config; gives ``Source``s (walked
folders, links followed only inside the repository, `-` for standard input) and their
bytes under the size limit (``sources.read``), files as a git ref has them (``gitbase``,
``gitdiff``, ``renames``), and the few files deploylint writes, atomically and never
through a link (``safewrite``).
"""
