"""InputError (thesis_analysis.errors): the one kind of error users see, without a traceback."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.user_files import read_user_text


def test_input_error_is_a_plain_exception_not_a_builtin_error_kind() -> None:
    assert issubclass(InputError, Exception)
    for builtin in (ValueError, OSError, KeyError, TypeError):
        assert not issubclass(InputError, builtin)


@pytest.mark.parametrize(
    "message",
    [
        "codebook.yaml:12: code 'npm': missing label — add label:",
        "A1.md:3: speaker 'X' is not declared",
        "flerlinjet:\n  a.csv:2: én\n  a.csv:3: to",
        "",
    ],
)
def test_message_is_kept_verbatim(message: str) -> None:
    error = InputError(message)
    assert str(error) == message
    assert error.args == (message,)


def test_survives_pickling_with_its_message() -> None:
    error = pickle.loads(pickle.dumps(InputError("x.csv:2: bad")))
    assert isinstance(error, InputError) and str(error) == "x.csv:2: bad"


def test_raised_by_a_reader_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "notater.txt"
    path.write_bytes("forste linje\nandre linje med \xe5\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_user_text(path)
    message = str(caught.value)
    assert f"{path}:2:" in message
    assert "not UTF-8" in message and "iconv" in message
