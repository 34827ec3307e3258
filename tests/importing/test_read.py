"""Step 1, read: any encoding in, text with LF newlines out, or a ReadError that says why."""

from __future__ import annotations

import codecs

import pytest

from labsite.importing.read import MAX_BYTES, ReadError, decode_bytes, read_text

TEXT = "---\ntitle: Zoë Müller\n---\n\nJosé’s “café” — naïve résumé\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
        TEXT.encode("utf-16-le"),  # no BOM: recognised by its NUL bytes
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-be", "cp1252", "utf16-le-no-bom"],
)
def test_decode_bytes_reads_each_encoding(data):
    assert decode_bytes(data).lstrip("\ufeff") == TEXT


def test_decode_bytes_tells_mac_roman_from_cp1252():
    text = "Réné Béla Müller — “Über” café\n"
    assert decode_bytes(text.encode("mac_roman")) == text
    assert decode_bytes(text.encode("cp1252")) == text


def test_decode_bytes_latin1_accents():
    text = "Ångström and Ø. Ørsted, façade\n"
    assert decode_bytes(text.encode("latin-1")) == text


def test_decode_bytes_rejects_binary():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(ReadError) as exc:
        decode_bytes(png)
    assert exc.value.message == "binary file, not text"
    assert exc.value.line == 1


def test_decode_bytes_rejects_unknown_encoding_with_line():
    # Shift-JIS Japanese without a BOM: not UTF-8, and no Western code page explains it
    data = (
        b"title: ok\nline two\n"
        + "研究室のホームページです。論文と発表の一覧。".encode("shift_jis") * 3
    )
    with pytest.raises(ReadError) as exc:
        decode_bytes(data)
    assert exc.value.line == 3
    assert exc.value.message.startswith("unknown text encoding")


def test_read_text_normalises_newlines_and_bom(tmp_path):
    path = tmp_path / "page.md"
    path.write_bytes(codecs.BOM_UTF8 + b"---\r\ntitle: A\r\n---\r\nOne\rTwo\r\n")
    assert read_text(path) == "---\ntitle: A\n---\nOne\nTwo\n"


def test_read_text_empty_file(tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"  \n\t\n")
    with pytest.raises(ReadError) as exc:
        read_text(path)
    assert (exc.value.line, exc.value.message) == (1, "empty file")


def test_read_text_too_large(tmp_path):
    path = tmp_path / "big.md"
    path.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(ReadError) as exc:
        read_text(path)
    assert exc.value.message == f"file is larger than 2 MB ({MAX_BYTES + 1} bytes)"


def test_read_text_missing_file(tmp_path):
    with pytest.raises(ReadError) as exc:
        read_text(tmp_path / "nope.md")
    assert exc.value.message.startswith("cannot read file")
