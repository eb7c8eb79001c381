"""JSON Lines: one JSON object per line, picked apart by DuckDB's JSON functions.

Lines are cut by pyarrow's CSV reader set to split on newlines only (JSON text never holds
a raw control character), then one DuckDB query extracts every wanted key as text in a
single parse per line: strings unquoted, numbers and booleans as their JSON text, arrays
and objects as JSON. A malformed line, or one that is not an object, is rejected with its
line number; blank lines are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ordermoat._exceptions import BadInputError
from ordermoat.formats.duck import sql_str
from ordermoat.formats.lines import (
    LineBlock,
    block_bytes_for,
    iter_blocks,
    open_binary,
    parse_block,
    to_utf8,
)
from ordermoat.formats.source import RawChunk, Source, split_rows

__all__ = ["JsonLinesSource"]

_LINES = {"delimiter": "\x1f", "quote_char": False, "escape_char": False, "double_quote": False}


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json_path(key: str) -> str:
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


class JsonLinesSource(Source):
    """A JSON Lines file; ``keys`` maps each contract column to the JSON key holding it."""

    def __init__(self, path: Path, gz: bool, keys: Mapping[str, str], batch_rows: int) -> None:
        self.path = path
        self.batch_rows = batch_rows
        self.columns = {name: None for name in keys}
        paths = ", ".join(sql_str(_json_path(key)) for key in keys.values())
        picks = ", ".join(f"__v[{i}] AS {_quote_ident(name)}" for i, name in enumerate(keys, start=1))
        self.source_sql = (
            "SELECT __line, CASE WHEN NOT starts_with(ltrim(line), '{') THEN 'not a JSON object' "
            f"WHEN __v IS NULL THEN 'malformed JSON' END AS __bad, {picks} FROM ("
            f"SELECT __line, line, try(json_extract_string(line, [{paths}])) AS __v FROM raw "
            "WHERE trim(line, ' ' || chr(9) || chr(13)) <> '') AS lines"
        )
        try:
            self._stream = open_binary(path, gz)
        except OSError as exc:
            raise BadInputError(f"{path.name}: cannot read: {exc}") from exc

    def close(self) -> None:
        self._stream.close()

    def chunks(self) -> Iterator[RawChunk]:
        line = 1
        try:
            for data in iter_blocks(self._stream, block_bytes_for(self.batch_rows)):
                block = LineBlock(data, line)
                parsed = parse_block(data, line, ["line"], ["line"], _LINES)
                line += parsed.n_lines
                lines = to_utf8(parsed.table.column("line"))
                table = pa.table({"__line": parsed.lines, "line": lines}).filter(pc.is_valid(lines))
                rejected = [(n, "malformed JSON", text) for n, text, _, _ in parsed.invalid]
                for rows, bad in split_rows(table, rejected, self.batch_rows):
                    yield RawChunk(rows, block.text, bad)
        except (OSError, EOFError) as exc:
            raise BadInputError(f"{self.path.name}: cannot read: {exc}") from exc
