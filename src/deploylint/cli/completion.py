"""Shell completion: `--show-completion SHELL` prints the script for the shell named (typer's
own option ignored the name and guessed from the parent process, so `zsh` printed bash, and
with no shell parent it failed); `--install-completion SHELL` installs it."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Final

import typer

PROG: Final = "deploylint"
COMPLETE_VAR: Final = "_DEPLOYLINT_COMPLETE"


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"
    pwsh = "pwsh"


def prepare() -> None:
    """Register typer's completion classes when the shell asks for completions."""
    if os.environ.get(COMPLETE_VAR):
        from typer._completion_classes import completion_init

        completion_init()


def show(shell: Shell | None) -> None:
    if shell is None:
        return
    from typer._completion_shared import get_completion_script

    typer.echo(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell))
    raise typer.Exit()


def install(shell: Shell | None) -> None:
    if shell is None:
        return
    from typer._completion_classes import completion_init
    from typer._completion_shared import install as install_script

    completion_init()
    _, path = install_script(shell=str(shell), prog_name=PROG, complete_var=COMPLETE_VAR)
    typer.echo(f"{shell} completion installed in {path}; it takes effect in a new shell")
    raise typer.Exit()
