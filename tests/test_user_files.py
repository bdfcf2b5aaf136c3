"""Reading users' files: one reader, one kind of error (file, line, what to do)."""

from __future__ import annotations

from pathlib import Path

import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.user_files import iter_user_csv, read_user_csv, read_user_text


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"in\.csv:1: the file is empty"),
        (b'id,text\n1,"open\n2,b\n', r"in\.csv:2: .*quote"),
        (b"id,text\n1,a\n2,b,c\n", r"in\.csv:3: 3 fields, expected 2"),
        ("id,text\n1,Målet\n".encode("cp1252"), r"in\.csv:2: not UTF-8 .*cp1252.*iconv"),
        (b"nr,tekst\n1,a\n", r"in\.csv:1: no column id, text; the columns present are nr, tekst"),
    ],
)
def test_bad_csv_is_named_with_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputError, match=message):
        read_user_csv(path, ("id", "text"))
    if b"id,text" in content or not content:
        with pytest.raises(InputError, match=message):
            for _chunk in iter_user_csv(path, ("id", "text")):
                pass


def test_optional_columns_are_filled_and_unknown_ones_refused_or_kept(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfcode,id,extra\r\nnpm,7,x\r\n")
    table = read_user_csv(path, ("id",), ("code", "memo"))
    assert table.columns == ["id", "code", "memo", "extra"]
    assert table.rows == [["7", "npm", "", "x"]] and table.lines == [2]
    with pytest.raises(InputError, match="unknown column extra"):
        read_user_csv(path, ("id",), ("code", "memo"), keep_other=False)


def test_comments_blank_lines_and_multiline_fields_keep_their_lines(tmp_path: Path) -> None:
    path = write(tmp_path, b'# source: a worked example\nid,text\n\n1,"two\nlines"\n2,b\n')
    table = read_user_csv(path, ("id", "text"), comment="#")
    assert table.rows == [["1", "two\nlines"], ["2", "b"]]
    assert table.lines == [4, 6]


def test_streaming_gives_chunks_in_order(tmp_path: Path) -> None:
    rows = "".join(f"{n},text {n}\n" for n in range(10))
    path = write(tmp_path, ("other,id,text\n" + rows.replace("\n", "\n", 10)).encode())
    path.write_text("id,text,other\n" + "".join(f"{n},t{n},o\n" for n in range(10)))
    chunks = list(iter_user_csv(path, ("text", "id"), chunk_size=4))
    assert [len(rows) for _, rows in chunks] == [4, 4, 2]
    assert chunks[0][1][0] == ["t0", "0"] and chunks[2][0] == [10, 11]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_user_text(tmp_path / "nothing.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_user_text(tmp_path)
