"""Gate: what decides a run's verdict besides the docs.

Takes the config file and the command line's choices; gives the settings a run grades with
(``configure``: the rubric as configured, ignored and unwaivable rules), the waivers a doc
declares (``waivers``), the findings already known (``baseline``, a ``--diff-base`` run),
files read as the base branch has them (``gate_from``), what shaped the run
(``shaping``) and the verdict (``verdict``: pass, fail, incomplete).
"""
