"""Step 1 of the import: turn a file's bytes into text, whatever encoding its author saved it in.

Real homepages are mostly UTF-8, but a Windows editor leaves cp1252, an old Mac leaves
MacRoman, Notepad leaves UTF-16 with a BOM, and some files are not text at all. Everything
here is pure: bytes in, ``str`` out, or a :class:`ReadError` that names what went wrong.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from labsite.importing import safety

# A homepage source is kilobytes; anything this big is not a page (LABSITE_IMPORT_MAX_PAGE_BYTES).
MAX_BYTES = safety.DEFAULTS["LABSITE_IMPORT_MAX_PAGE_BYTES"]

# Characters that real Western-European text holds when saved as cp1252 or MacRoman. A
# candidate decoding that yields many of these (and few oddities) is the likely one.
_LIKELY_NON_ASCII = set(
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝœŒšŠžŽ‘’“”–—…•°©®™€£§«»¿¡\u00a0"
)


class ReadError(Exception):
    """A file that cannot be read as text; ``line`` is 1-based, for the one-line report."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _score(text: str) -> float:
    """How plausible ``text`` is as Western prose: likely accents count, control chars cost."""
    good = bad = 0
    for ch in text:
        if ord(ch) < 128:
            continue
        if ch in _LIKELY_NON_ASCII:
            good += 1
        elif unicodedata.category(ch) in ("Cc", "Co", "Cn"):
            bad += 3
        else:
            bad += 1
    return good - bad


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many C0 control bytes: an image, an archive, a compiled file."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(4, len(sample) // 100)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM shows as every other byte being NUL in ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    for codec, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros > half * 0.6:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def decode_bytes(data: bytes) -> str:
    """Decode a file's bytes: BOMs first, then UTF-8, then the likelier Western code page.

    Raises :class:`ReadError` for binary data and for bytes that no single-byte Western
    encoding explains (mostly high bytes, as Shift-JIS or GBK text saved without a BOM is).
    """
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        try:
            return data.decode("utf-32")
        except UnicodeDecodeError as exc:
            raise ReadError(f"not valid UTF-32 text ({exc.reason})") from exc
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(f"not valid UTF-16 text ({exc.reason})") from exc
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data[:8192]:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
        raise ReadError("binary file, not text")
    if _looks_binary(data):
        raise ReadError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    high = sum(1 for b in data if b >= 128)
    letters = sum(1 for b in data if b > 32)
    if letters and high / letters > 0.5:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise ReadError(
            "unknown text encoding: not UTF-8, and too many non-ASCII bytes for a "
            "Western single-byte encoding; save the file as UTF-8",
            line,
        )
    candidates: list[tuple[float, int, str]] = []
    for rank, codec in enumerate(("cp1252", "mac_roman", "latin-1")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((_score(text), -rank, text))
    best = max(candidates)
    return best[2]


_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029")


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR (old Mac files) become LF; a BOM left inside the text goes."""
    return _NEWLINES.sub("\n", text).lstrip("\ufeff")


def read_text(path: Path, *, root: Path | None = None, max_bytes: int | None = None) -> str:
    """Read one file as text with LF newlines, or raise :class:`ReadError`.

    With ``root``, the file must lie inside it (:func:`labsite.importing.safety.contained`):
    one that leads outside raises :class:`~labsite.importing.safety.OutsideSite` unread.
    ``max_bytes`` defaults to the page limit (``LABSITE_IMPORT_MAX_PAGE_BYTES``).
    """
    if max_bytes is None:
        max_bytes = safety.limit("LABSITE_IMPORT_MAX_PAGE_BYTES")
    try:
        data = safety.read_bytes(path, root, max_bytes)
    except safety.OutsideSite:
        raise
    except safety.Refused as exc:
        raise ReadError(exc.message) from exc
    except OSError as exc:
        raise ReadError(f"cannot read file ({exc.strerror or exc})") from exc
    text = normalise_newlines(decode_bytes(data))
    if not text.strip():
        raise ReadError("empty file")
    nul = text.find("\x00")
    if nul >= 0:  # past the binary sniff's first 8 KB; PostgreSQL refuses NUL in text anyway
        raise ReadError("NUL byte in the text: not a text file", text.count("\n", 0, nul) + 1)
    return text
