"""What a change does to agents' authority (`deploylint diff`), and the register of agents in
production (`deploylint inventory`).

The pipe: :mod:`.reading` asks git which docs changed and reads them at the base and in the
work tree; :mod:`.entries` turns each doc's model into comparable entries; :mod:`.compare`
pairs docs and agents and classes each difference by the one table of :mod:`.kinds`; the
``render_*`` modules write it.
"""

from __future__ import annotations

from typing import Final

# The formats' names, for the command line (a test holds them equal to the renderers', which
# aren't imported until a command runs).
DIFF_FORMATS: Final = ("text", "json", "markdown", "github")
INVENTORY_FORMATS: Final = ("json", "csv", "markdown")
