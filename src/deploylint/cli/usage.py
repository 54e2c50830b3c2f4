"""Usage errors as one line, like every other deploylint error: the option, what was given,
what is allowed; exit 2. (typer would draw a five-line panel with the usage and a box.)"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Sequence
from typing import Any, Final

from typer import Abort, _click
from typer._click.core import ParameterSource
from typer._click.types import DateTime
from typer._types import TyperChoice
from typer.core import TyperGroup

from deploylint.cli import completion
from deploylint.messages import say

USAGE_ERROR: Final = 2
_NO_SUCH_COMMAND: Final = re.compile(r"No such command '(.*?)'")
_GIVEN: Final = re.compile(r"""^(?P<given>'[^']*'|"[^"]*"|\S+) (?:is not one of|does not match)""")


class OneLineErrors(TyperGroup):
    """The app's group: runs as typer does, but writes usage errors as one line."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        completion.prepare()
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except _click.exceptions.NoArgsIsHelpError as error:  # `deploylint` alone: the help
            if error.ctx is not None:
                _click.echo(error.ctx.get_help())
            code = USAGE_ERROR
        except _click.exceptions.UsageError as error:
            say(sys.stderr, one_line(error))
            code = USAGE_ERROR
        except _click.exceptions.ClickException as error:  # e.g. a file option can't be opened
            say(sys.stderr, _flat(error.format_message()))
            code = error.exit_code
        except Abort:
            say(sys.stderr, "aborted")
            code = 1
        code = code if isinstance(code, int) else 0
        if not standalone_mode:
            return code
        sys.exit(code)


def one_line(error: _click.exceptions.UsageError) -> str:
    """The error in one line, naming the option (or argument), what was given and what is
    allowed, or the closest match to what was mistyped."""
    if isinstance(error, _click.exceptions.NoSuchOption):
        close = error.possibilities or ()
        guess = f" (did you mean {next(iter(close))}?)" if close else ""
        return f"no such option {error.option_name}{guess}"
    if isinstance(error, _click.exceptions.BadParameter) and error.param is not None:
        return _bad_value(error, error.param)
    command = _NO_SUCH_COMMAND.match(error.message)
    if command is not None and error.ctx is not None:
        return _no_such_command(command.group(1), error.ctx)
    return _flat(error.format_message())


def _no_such_command(typo: str, ctx: _click.Context) -> str:
    known = sorted(getattr(ctx.command, "commands", {}))
    close = difflib.get_close_matches(typo, known, n=1)
    guess = f" (did you mean {close[0]}?)" if close else f" (one of {', '.join(known)})"
    return f"no such command {typo!r}{guess}"


def _bad_value(error: _click.exceptions.BadParameter, param: _click.Parameter) -> str:
    name = _name(param)
    if isinstance(error, _click.exceptions.MissingParameter):
        kind = "option" if param.param_type_name == "option" else "argument"
        choices = f" (one of {_choices(param)})" if _choices(param) else ""
        return f"missing {kind} {name}{choices}"
    if _from_environment(error, param):
        name += f" (from ${param.envvar})"
    given = _GIVEN.match(error.message)
    allowed = _allowed(param)
    if given is None or allowed is None:
        return f"{name}: {_flat(error.message)}"
    return f"{name}: {given.group('given')} is not {allowed}"


def _from_environment(error: _click.exceptions.BadParameter, param: _click.Parameter) -> bool:
    if error.ctx is None or param.name is None or not param.envvar:
        return False
    return error.ctx.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT


def _name(param: _click.Parameter) -> str:
    if param.param_type_name == "option":
        return max(param.opts, key=len)
    return (param.metavar or param.human_readable_name or "argument").upper()


def _choices(param: _click.Parameter) -> str | None:
    choices = param.type._normalized_mapping() if isinstance(param.type, TyperChoice) else None
    return ", ".join(choices.values()) if choices else None


def _allowed(param: _click.Parameter) -> str | None:
    if isinstance(param.type, DateTime):
        return "a date (YYYY-MM-DD)"
    choices = _choices(param)
    return f"one of {choices}" if choices else None


def _flat(message: str) -> str:
    text = " ".join(message.split()).rstrip(".")
    return text[:1].lower() + text[1:]
