"""Fleet: every doc of a run read as one fleet of agents, resources and locks.

Takes each doc's fleet facts (``facts``: from its model, while it is graded, or from the
per-folder index of the docs outside the run: ``context``); gives the cross-doc findings
(``analysis``, ``findings``) and the fleet map (``map``).
"""
