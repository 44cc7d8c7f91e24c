"""The streaming workbook: read back by openpyxl (as organisers' spreadsheets and our own Actions
sheet reader read it), with its bytes handed over while it is still being written."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from bot.documents.xlsx import MAX_TEXT, StreamingWorkbook


def test_what_is_written_reads_back_as_written() -> None:
    book = StreamingWorkbook(["Ideas", "Q&A <2>"])
    book.sheet()
    book.rows([["id", "text", "hidden", "score"]], header=True)
    book.rows(
        [
            [1, "=1+1", False, 0.25],
            [2, "  spaces kept\nand lines  ", True, None],
            [3, "tab\tand bell\x07 and <tags> & ampersands", None, 10**12],
        ]
    )
    book.sheet()
    book.rows([["long"], ["x" * (MAX_TEXT + 10)], [], ["after a blank row"]])
    book.close()
    read = load_workbook(io.BytesIO(book.take()))

    assert read.sheetnames == ["Ideas", "Q&A <2>"]
    ideas = read["Ideas"]
    assert list(ideas.iter_rows(values_only=True)) == [
        ("id", "text", "hidden", "score"),
        (1, "=1+1", False, 0.25),
        (2, "  spaces kept\nand lines  ", True, None),
        (3, "tab\tand bell and <tags> & ampersands", None, 10**12),
    ]
    assert all(cell.font.b for cell in ideas[1])
    assert not ideas["A2"].font.b
    assert ideas["B2"].data_type == "s"  # typed as text, never a formula
    other = list(read["Q&A <2>"].iter_rows(values_only=True))
    assert other[1] == ("x" * MAX_TEXT,)
    assert other[3] == ("after a blank row",)


def test_the_bytes_come_out_as_the_rows_go_in() -> None:
    book = StreamingWorkbook(["Ideas"])
    book.sheet()
    first = book.take()
    assert first.startswith(b"PK")  # the workbook's own parts, before any row
    taken = [first]
    for n in range(200):
        book.rows([[n, f"idea {n} " * 50] for _ in range(50)])
        taken.append(book.take())
    assert sum(len(t) for t in taken[1:]) > 0  # compressed rows left before the end
    book.close()
    taken.append(book.take())
    whole = b"".join(taken)
    assert zipfile.ZipFile(io.BytesIO(whole)).testzip() is None
    sheet = load_workbook(io.BytesIO(whole), read_only=True)["Ideas"]
    assert sum(1 for _ in sheet.iter_rows()) == 200 * 50
