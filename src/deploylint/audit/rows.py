"""Read audit rows one at a time, with their line numbers: JSON Lines streamed, or a JSON array.

JSON Lines is read line by line, each line capped, so a million rows (or one enormous line)
take constant memory. A JSON array is read whole (up to MAX_ARRAY_BYTES) and decoded element
by element, its lines counted as it goes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Final

MAX_ROW_BYTES: Final = 1_048_576
MAX_ARRAY_BYTES: Final = 256 * 2**20
MAX_DIGITS: Final = 4000  # Python refuses to convert longer integers (sys.int_info)


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise ValueError(f"a number of {digits:,} digits (more than {MAX_DIGITS:,})")
    return int(text)


_DECODER: Final = json.JSONDecoder(parse_int=_integer)


@dataclass(frozen=True, slots=True)
class Row:
    """One audit row: its 1-based line, its 0-based index, and either data or a problem."""

    line: int
    index: int
    text: str
    data: dict[str, Any] | None
    problem: str | None = None
    column: int = 1  # where the row's text starts on its line


def _row(line: int, index: int, text: str, column: int) -> Row:
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        problem = f"not valid JSON ({error.msg} at column {error.colno + column - 1})"
        return Row(line, index, text, None, problem, column)
    except RecursionError:
        return Row(line, index, text, None, "nested too deeply to read", column)
    except ValueError as error:  # from _integer
        return Row(line, index, text, None, _unreadable(error), column)
    if not isinstance(value, dict):
        problem = f"a row must be a JSON object, not {type(value).__name__}"
        return Row(line, index, text, None, problem, column)
    return Row(line, index, text, value, None, column)


def _unreadable(error: ValueError | RecursionError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg})"
    if isinstance(error, RecursionError):
        return "nested too deeply to read"
    return f"can't be read ({error})"


def _skip_rest_of_line(stream: IO[bytes]) -> None:
    while True:
        chunk = stream.readline(MAX_ROW_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return


def json_lines(stream: IO[bytes]) -> Iterator[Row]:
    """Rows of a JSON Lines stream; blank lines are skipped, bad lines become problem rows."""
    index = 0
    for number in range(1, 2**63):
        raw = stream.readline(MAX_ROW_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_ROW_BYTES and not raw.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield Row(number, index, "", None, f"line longer than {MAX_ROW_BYTES:,} bytes")
            index += 1
            continue
        try:
            decoded = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip()
        except UnicodeDecodeError as error:
            yield Row(
                number, index, "", None, f"not UTF-8 (invalid byte at column {error.start + 1})"
            )
            index += 1
            continue
        text = decoded.lstrip()
        if text:
            yield _row(number, index, text, len(decoded) - len(text) + 1)
            index += 1


def json_array(text: str) -> Iterator[Row]:
    """Rows of a JSON array, each with the line it starts on."""
    position = text.index("[") + 1
    line, counted, line_start = 1, 0, 0  # newlines before `counted` are in `line`
    for index in range(2**63):
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return
        line += text.count("\n", counted, position)
        line_start = max(line_start, text.rfind("\n", counted, position) + 1)
        counted = position
        column = position - line_start + 1
        try:
            value, end = _DECODER.raw_decode(text, position)
        except (ValueError, RecursionError) as error:
            problem = f"{_unreadable(error)}; the rest of the array is unreadable"
            yield Row(line, index, "", None, problem, column)
            return
        row_text = text[position:end]
        if isinstance(value, dict):
            yield Row(line, index, row_text, value, None, column)
        else:
            problem = f"a row must be a JSON object, not {type(value).__name__}"
            yield Row(line, index, row_text, None, problem, column)
        position = end


def read_rows(stream: IO[bytes]) -> Iterator[Row]:
    """JSON array if the file starts with `[`, JSON Lines otherwise."""
    head = stream.peek(64) if hasattr(stream, "peek") else b""
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        raw = stream.read(MAX_ARRAY_BYTES + 1)
        if len(raw) > MAX_ARRAY_BYTES:
            problem = f"a JSON array over {MAX_ARRAY_BYTES:,} bytes: write rows as JSON Lines"
            yield Row(1, 0, "", None, problem)
            return
        yield from json_array(raw.decode("utf-8-sig", errors="replace"))
    else:
        yield from _json_lines_or_not(json_lines(stream))


LEADING_PROBLEMS: Final = 20  # this many unreadable rows before any good one: not JSON Lines


def _json_lines_or_not(rows: Iterator[Row]) -> Iterator[Row]:
    """The rows; but when no row up to the LEADING_PROBLEMS-th (or the end) is a JSON object,
    the file isn't JSON Lines at all (a YAML doc given by mistake): one problem row says so,
    instead of one per line."""
    held: list[Row] = []
    for row in rows:
        if row.data is not None:
            yield from held
            yield row
            yield from rows
            return
        held.append(row)
        if len(held) == LEADING_PROBLEMS:
            break
    if len(held) < 2:
        yield from held
        return
    first = held[0]
    some = "any" if len(held) < LEADING_PROBLEMS else f"the first {len(held)}"
    problem = (
        f"not JSON Lines: none of {some} lines is a JSON object (line {first.line}: "
        f"{first.problem}); is it a YAML file? The file is not checked further"
    )
    yield Row(first.line, 0, first.text, None, problem, first.column)
