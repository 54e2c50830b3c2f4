"""Model: the one place a doc's data is read (issue 22; a test holds every other module to it).

Takes a loaded doc's plain data; gives a ``DocModel`` (``doc_model.build``): its agents,
tools, writes, locks, controls and queues as typed values, each name with its identity
(``identity``: the same thing however it is spelled) and every guess about a name marked as
one, with why (``names``, ``routes``). The rubric's checks, the fleet, ``diff`` and
``audit`` read the model, never the doc.
"""
