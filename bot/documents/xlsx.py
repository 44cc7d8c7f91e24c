"""A workbook (XLSX) written as its rows come, straight into a zip whose bytes can be sent at
once: a download of 300,000 ideas begins in a moment and holds one batch in memory.

openpyxl's write-only mode keeps each sheet in a temporary file and zips them only when saved,
so nothing can be sent until every row is written (89 s at 300,000 ideas), longer than a
platform's router waits for a first byte. Here the fixed parts (content types, relationships,
the workbook's sheet list and its two styles: plain and bold) go first, then each sheet's rows,
as SpreadsheetML with inline strings: no shared-strings table to hold, and no text is ever read
as a formula. The zip is written to a stream that cannot seek (`zipfile` then puts each entry's
sizes after its data), and what it has written is taken a chunk at a time by `take`.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from functools import cache
from typing import IO, Any
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAX_TEXT = 32_767  # characters a cell holds in Excel; longer text is cut there
BOLD = 1  # the style of header cells (`STYLES`' second cell format)
# Characters XML 1.0 cannot carry, even escaped: dropped from text.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
STYLES = (
    f'<styleSheet xmlns="{MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class _Chunks:
    """The zip's output: kept until taken (a write-only stream, so `zipfile` never seeks)."""

    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self.written.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the bytes wait in `written` until taken."""

    def close(self) -> None:
        """Nothing to close: the bytes wait in `written` until taken."""


class StreamingWorkbook:
    """The sheets named at the start, filled one after another: `sheet` starts the next,
    `rows` appends to it, `close` ends the workbook; `take` hands over the bytes made so far."""

    def __init__(self, sheets: Sequence[str]) -> None:
        self._names = list(sheets)
        self._out = _Chunks()
        self._zip = zipfile.ZipFile(self._out, "w", zipfile.ZIP_DEFLATED)
        self._started = 0  # sheets started
        self._sheet: IO[bytes] | None = None
        self._row = 0  # rows in the open sheet
        self._parts()

    def sheet(self) -> None:
        """End the open sheet (if any) and start the next one named at the start."""
        self._end_sheet()
        self._started += 1
        self._sheet = self._zip.open(f"xl/worksheets/sheet{self._started}.xml", "w")
        self._sheet.write(f'{HEAD}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
        self._row = 0

    def rows(self, rows: Iterable[Sequence[Any]], header: bool = False) -> None:
        """Append rows to the open sheet: text, numbers, booleans, None (an empty cell)."""
        if self._sheet is None:
            raise RuntimeError("start a sheet before its rows")
        lines = []
        for row in rows:
            self._row += 1
            cells = "".join(_cell(v, f"{_column(i)}{self._row}", header) for i, v in enumerate(row))
            lines.append(f'<row r="{self._row}">{cells}</row>')
        self._sheet.write("".join(lines).encode("utf-8", "replace"))

    def close(self) -> None:
        """End the last sheet and the zip (its central directory is the last bytes)."""
        self._end_sheet()
        if self._started != len(self._names):
            raise RuntimeError(f"{self._started} of {len(self._names)} sheets were written")
        self._zip.close()

    def take(self) -> bytes:
        """The bytes written since the last take."""
        taken = b"".join(self._out.written)
        self._out.written.clear()
        return taken

    def _end_sheet(self) -> None:
        if self._sheet is not None:
            self._sheet.write(b"</sheetData></worksheet>")
            self._sheet.close()
            self._sheet = None

    def _parts(self) -> None:
        """What describes the sheets, known before their rows: written first."""
        n = len(self._names)
        sheet_type = f"{SPREADSHEETML}.worksheet+xml"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
            for i in range(1, n + 1)
        )
        self._part(
            "[Content_Types].xml",
            f'<Types xmlns="{TYPES}">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEETML}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{SPREADSHEETML}.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self._part(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self._names, 1)
        )
        self._part(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{sheets}</sheets>'
            "</workbook>",
        )
        links = "".join(
            f'<Relationship Id="rId{i}" Type="{RELATIONSHIPS}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        self._part(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{links}'
            f'<Relationship Id="rId{n + 1}" Type="{RELATIONSHIPS}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        self._part("xl/styles.xml", STYLES)

    def _part(self, name: str, xml: str) -> None:
        self._zip.writestr(name, HEAD + xml)


def _cell(value: Any, ref: str, header: bool) -> str:
    style = f' s="{BOLD}"' if header else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    text = escape(NOT_XML.sub("", str(value))[:MAX_TEXT])
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@cache
def _column(index: int) -> str:
    """A column's letters from its index from 0: A … Z, AA …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = _LETTERS[rest] + letters
    return letters
