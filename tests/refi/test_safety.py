"""Untrusted REFI-QDA input: unsafe archives and XML are refused with a clear InputError.

Every malicious file is made by the test in ``tmp_path``; after each attempt nothing may have
been written, inside or outside the target folder.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from thesis_analysis.errors import InputError
from thesis_analysis.refi.importer import import_qdc, import_qdpx
from thesis_analysis.refi.safety import SafeArchive, ZipLimits, parse_xml, read_limited

QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="P">
  <Users><User guid="10000000-0000-0000-0000-000000000001" name="{user}"/></Users>
  <CodeBook><Codes>
    <Code guid="20000000-0000-0000-0000-000000000001" name="{code}" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="40000000-0000-0000-0000-000000000001" name="{source}"
                plainTextPath="{path}">
      <PlainTextSelection guid="50000000-0000-0000-0000-000000000001" startPosition="0"
                          endPosition="5">
        <Coding guid="60000000-0000-0000-0000-000000000001"
                creatingUser="10000000-0000-0000-0000-000000000001">
          <CodeRef targetGUID="20000000-0000-0000-0000-000000000001"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
TEXT = "Hello there. This is an interview.\n"


def make_qde(user="Ann", code="Topic", source="Interview", path="internal://a.txt") -> bytes:
    return QDE.format(user=user, code=code, source=source, path=path).encode("utf-8")


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    """A ZIP with exactly these member names (no sanitising)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def assert_refused(tmp_path: Path, archive: Path, *words: str, **kwargs) -> InputError:
    before = files_under(tmp_path)
    with pytest.raises(InputError) as caught:
        import_qdpx(archive, tmp_path / "into", **kwargs)
    message = str(caught.value)
    for word in words:
        assert word in message, message
    assert files_under(tmp_path) == before, "something was written"
    return caught.value


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "sources/../../evil.txt",
        "/tmp/evil.txt",
        "C:/evil.txt",
        "c:evil.txt",
        "sources\\..\\..\\evil.txt",
        "..",
    ],
)
def test_path_traversal_in_member_names_is_refused(tmp_path: Path, name: str) -> None:
    archive = write_zip(
        tmp_path / "evil.qdpx",
        [("project.qde", make_qde()), ("sources/a.txt", TEXT.encode()), (name, b"owned")],
    )
    assert_refused(tmp_path, archive, repr(name), "refusing the whole archive")
    assert not list(tmp_path.parent.glob("evil.txt"))
    assert not Path("/tmp/evil.txt").exists() or Path("/tmp/evil.txt").read_bytes() != b"owned"


def test_symbolic_link_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", make_qde())
        info = zipfile.ZipInfo("sources/a.txt")
        info.external_attr = (0o120777 << 16) | 0
        archive.writestr(info, "/etc/passwd")
    assert_refused(tmp_path, path, "'sources/a.txt'", "symbolic link")


def test_encrypted_member_is_refused(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "enc.qdpx", [("project.qde", make_qde())])
    data = bytearray(archive.read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1  # general purpose flag: encrypted
    archive.write_bytes(bytes(data))
    assert zipfile.ZipFile(archive).getinfo("project.qde").flag_bits & 0x1
    assert_refused(tmp_path, archive, "'project.qde'", "encrypted")


def test_duplicate_member_is_refused(tmp_path: Path) -> None:
    with pytest.warns(UserWarning):
        archive = write_zip(
            tmp_path / "dup.qdpx", [("project.qde", make_qde()), ("project.qde", b"<Project/>")]
        )
    assert_refused(tmp_path, archive, "'project.qde'", "twice")


def test_zip_bomb_by_compression_ratio_is_refused(tmp_path: Path) -> None:
    bomb = b" " * (8 * 1024 * 1024)
    archive = write_zip(
        tmp_path / "bomb.qdpx", [("project.qde", make_qde()), ("sources/a.txt", bomb)]
    )
    assert zipfile.ZipFile(archive).getinfo("sources/a.txt").compress_size < 100_000
    assert_refused(tmp_path, archive, "'sources/a.txt'", "zip bomb")


def test_oversized_member_is_refused(tmp_path: Path) -> None:
    archive = write_zip(
        tmp_path / "big.qdpx", [("project.qde", make_qde()), ("sources/a.txt", b"x" * 5000)]
    )
    limits = ZipLimits(max_member_bytes=4000)
    assert_refused(tmp_path, archive, "'sources/a.txt'", "4,000", limits=limits)


def test_total_uncompressed_size_read_is_limited(tmp_path: Path) -> None:
    qde = make_qde()
    archive = write_zip(
        tmp_path / "total.qdpx", [("project.qde", qde), ("sources/a.txt", b"y" * 3000)]
    )
    limits = ZipLimits(max_member_bytes=10_000, max_total_bytes=len(qde) + 1000)
    assert_refused(tmp_path, archive, "'sources/a.txt'", "in all", limits=limits)


def test_declared_archive_size_is_limited(tmp_path: Path) -> None:
    archive = write_zip(
        tmp_path / "declared.qdpx", [("project.qde", make_qde()), ("media.mp4", b"z" * 9000)]
    )
    assert_refused(tmp_path, archive, "declares", limits=ZipLimits(max_archive_bytes=8000))


def test_member_count_is_limited(tmp_path: Path) -> None:
    members = [("project.qde", make_qde())] + [(f"sources/{i}.txt", b"t") for i in range(10)]
    archive = write_zip(tmp_path / "many.qdpx", members)
    assert_refused(tmp_path, archive, "11 members", limits=ZipLimits(max_members=10))


def test_declared_size_that_lies_is_caught(tmp_path: Path) -> None:
    archive = write_zip(
        tmp_path / "liar.qdpx", [("project.qde", make_qde()), ("sources/a.txt", b"q" * 5000)]
    )
    data = bytearray(archive.read_bytes())
    central = -1
    for offset in range(len(data) - 4):
        if data[offset : offset + 4] == b"PK\x01\x02":
            name_length = struct.unpack_from("<H", data, offset + 28)[0]
            if data[offset + 46 : offset + 46 + name_length] == b"sources/a.txt":
                central = offset
    assert central >= 0
    struct.pack_into("<I", data, central + 24, 10)  # uncompressed size in the central directory
    archive.write_bytes(bytes(data))
    assert zipfile.ZipFile(archive).getinfo("sources/a.txt").file_size == 10
    assert_refused(tmp_path, archive, "'sources/a.txt'")


def test_bytes_are_counted_while_reading() -> None:
    with pytest.raises(InputError, match="more than 100 bytes"):
        read_limited(io.BytesIO(b"a" * 1000), 100, "member 'x'")
    assert read_limited(io.BytesIO(b"a" * 100), 100, "member 'x'") == b"a" * 100


XXE = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file://{secret}">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>
"""
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    + ']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>'
).replace("&lol0;", "&lol;")


def test_xml_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    qde = XXE.format(secret=secret).encode()
    archive = write_zip(tmp_path / "xxe.qdpx", [("project.qde", qde)])
    error = assert_refused(tmp_path, archive, "project.qde", "DTD")
    assert "TOP-SECRET" not in str(error)


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "laughs.qdpx", [("project.qde", LAUGHS.encode())])
    assert_refused(tmp_path, archive, "project.qde", "DTD")


def test_entities_are_refused_by_the_parser_itself() -> None:
    with pytest.raises(InputError, match="DTD"):
        parse_xml(LAUGHS.encode(), "x.qde")


def test_xxe_in_a_qdc_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    qdc = tmp_path / "book.qdc"
    qdc.write_text(XXE.format(secret=secret).replace("Project", "CodeBook"))
    with pytest.raises(InputError, match="book.qdc.*DTD") as caught:
        import_qdc(qdc, tmp_path / "into")
    assert "TOP-SECRET" not in str(caught.value)
    assert not (tmp_path / "into").exists()


def test_malformed_xml_names_the_member_and_line(tmp_path: Path) -> None:
    qde = b'<?xml version="1.0"?>\n<Project name="P">\n  <Users>\n</Project>\n'
    archive = write_zip(tmp_path / "bad.qdpx", [("project.qde", qde)])
    assert_refused(tmp_path, archive, "project.qde", ":4: malformed XML")


def test_missing_project_qde_is_refused(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "noqde.qdpx", [("sources/a.txt", TEXT.encode())])
    assert_refused(tmp_path, archive, "noqde.qdpx", "no project.qde")


def test_non_zip_file_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.qdpx"
    fake.write_text("This is not a zip file at all.")
    assert_refused(tmp_path, fake, "fake.qdpx", "not a .qdpx file")


def test_missing_file_is_refused(tmp_path: Path) -> None:
    assert_refused(tmp_path, tmp_path / "absent.qdpx", "absent.qdpx", "no such file")


def test_deeply_nested_codes_are_refused(tmp_path: Path) -> None:
    depth = 200
    codes = (
        "".join(
            f'<Code guid="20000000-0000-0000-0000-{i:012d}" name="c{i}" isCodable="true">'
            for i in range(depth)
        )
        + "</Code>" * depth
    )
    qde = f'<Project xmlns="urn:QDA-XML:project:1.0" name="P"><CodeBook><Codes>{codes}'
    qde += "</Codes></CodeBook></Project>"
    archive = write_zip(tmp_path / "deep.qdpx", [("project.qde", qde.encode())])
    assert_refused(tmp_path, archive, "nested deeper")


def test_hostile_names_inside_the_project_stay_inside_the_target(tmp_path: Path) -> None:
    qde = make_qde(user="../../evil", code="../../../x", source="../../../../evil")
    archive = write_zip(
        tmp_path / "names.qdpx", [("project.qde", qde), ("sources/a.txt", TEXT.encode())]
    )
    into = tmp_path / "into"
    report = import_qdpx(archive, into)
    written = files_under(into)
    assert written >= {"codebook.yaml", "codings/evil.csv", "transcripts/evil.md"}
    assert all(".." not in name for name in written)
    assert files_under(tmp_path) - {"names.qdpx", "into"} == {f"into/{n}" for n in written}
    assert report.users == ("evil",)


def test_external_paths_are_never_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET local file\n")
    qde = make_qde(path=f"absolute://{secret}")
    archive = write_zip(tmp_path / "ext.qdpx", [("project.qde", qde)])
    report = import_qdpx(archive, tmp_path / "into")
    assert report.transcripts == ()
    assert report.skipped_sources == (
        ("Interview", "external file (absolute://), not in the archive"),
    )
    assert not (tmp_path / "into" / "transcripts").exists()


def test_safe_archive_reads_members_case_insensitively(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "ok.qdpx", [("Project.QDE", b"<x/>"), ("Sources/A.txt", b"a")])
    with SafeArchive(archive) as opened:
        assert opened.find("project.qde") == "Project.QDE"
        assert opened.read(opened.find("sources/a.txt")) == b"a"
