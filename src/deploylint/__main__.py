"""The `deploylint` command and ``python -m deploylint``.

An unchanged `check` is answered from its recording (deploylint.cache.replay) before anything
heavy is imported; everything else goes to the command line in deploylint.cli.
"""

from __future__ import annotations

import sys

from deploylint.cache import replay


def main() -> None:
    """Console-script entry point: replay, or run (and record what may be replayed)."""
    arguments = sys.argv[1:]
    code = replay.replayed(arguments)
    if code is not None:
        sys.exit(code)
    recording = replay.record(arguments)
    from deploylint.cli import main as run

    try:
        run()
    except SystemExit as done:
        if recording is not None:
            recording.finish(0 if done.code is None else done.code)
        raise
    if recording is not None:
        recording.finish(0)


if __name__ == "__main__":
    main()
