"""Step 1 of the import: turn a file's bytes into text, whatever encoding its author saved it in.

Real homepages are mostly UTF-8, but a Windows editor leaves cp1252, an old Mac leaves
MacRoman, Notepad leaves UTF-16 with a BOM, a Chinese or Korean Windows editor leaves GB18030
(GBK), Big5 or EUC-KR, and some files are not text at all. Everything here is pure: bytes in,
``str`` out, or a :class:`ReadError` that names what went wrong.
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


# East Asian double-byte encodings a file saved without a BOM may be in, each with the script
# its text is written in, in the order a tie is settled. GB18030 covers GBK and GB2312. Their
# byte ranges overlap (Korean EUC-KR bytes decode cleanly as GB18030, as random Chinese), so a
# clean decoding is only a candidate: :func:`_east_asian` keeps the one whose text looks like
# its script, with the most of that script's commonest characters.
_EAST_ASIAN = (("gb18030", "han"), ("big5", "han"), ("euc_kr", "hangul"))
# Each encoding's block of frequent characters, as the lead bytes of their two-byte codes (and
# the encoding they are counted in): GB2312's level 1 (3,755 characters), Big5's frequent
# block (5,401), all of EUC-KR's. Real text keeps to it; bytes of another encoding do not.
_FREQUENT = {"gb18030": ("gb2312", 0xB0, 0xD7), "big5": ("big5", 0xA4, 0xC6)}

# The commonest characters of Chinese (simplified and traditional forms) and Korean, with the
# words of academic pages: real text is full of them, a wrong decoding's random characters not.
_COMMON = {
    "han": set(
        "的一是不了在人有我他这個个们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生能"
        "而子那得于於着著下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學如都同"
        "现現当當没沒动動面起看定天分还還进進好小部其些主样樣理心她本前开開但因只从從想实實日月新等"
        "与與及并並者此研究论論文数數据據系统統模型验驗结結果析基机機器习習网網络絡算计計科技术術信"
        "息资資讯訊工程院校教授博士硕碩議议期刊表问問题題今高间間長长重点點关關应應性化合内內全体體提"
    ),
    "hangul": set(
        "이다는의에을하를가고서지기한로도사리자수으나어보대인정있시것게구과적연학문해들전일부제주용위"
        "우상니아었했습와요등발표교논회국공성경여원없않같라면만데되된될할함합또및더그저년월"
    ),
}
# Below this many characters of the script, the share of common ones says little.
_FEW = 12
# A file of mostly ASCII needs this many characters of the script to be read as Chinese or
# Korean (a name is two or three).
_LEAST_BESIDE_ASCII = 2


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


def _script(ch: str) -> str:
    """``han``, ``kana``, ``hangul``, ``mark`` (punctuation, symbols, spaces) or ``other``."""
    o = ord(ch)
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or o >= 0x20000:
        return "han"
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
        return "kana"
    if 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "hangul"
    if unicodedata.category(ch)[0] in "PSZ":
        return "mark"
    return "other"


def _frequent(ch: str, codec: str) -> bool:
    block = _FREQUENT.get(codec)
    if block is None:
        return True
    name, low, high = block
    try:
        code = ch.encode(name)
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and low <= code[0] <= high


def _plausibility(text: str, codec: str, script: str, least: int) -> float | None:
    """The share of ``script``'s common characters in ``text``, or None when ``text`` does not
    look written in it: nearly all its non-ASCII letters must be of that script (Korean may
    hold a few Chinese characters) and among the encoding's frequent characters, at least
    ``least`` of them, and a long text must hold some of the commonest."""
    counts: dict[str, int] = {}
    common = frequent = 0
    table = _COMMON[script]
    for ch in text:
        if ord(ch) < 128:
            continue
        kind = _script(ch)
        counts[kind] = counts.get(kind, 0) + 1
        common += ch in table
        frequent += kind == script and _frequent(ch, codec)
    letters = sum(n for kind, n in counts.items() if kind != "mark")
    own = counts.get(script, 0) + (counts.get("han", 0) if script == "hangul" else 0)
    if counts.get(script, 0) < max(1, least) or own < letters * 0.95:
        return None
    if script == "hangul" and counts["hangul"] < letters * 0.6:
        return None
    if frequent < counts[script] * 0.8:
        return None
    share = common / counts[script]
    if counts[script] >= _FEW and share < 0.15:
        return None
    return share


def _in_runs(data: bytes) -> bool:
    """Do the high bytes come in runs (each beside another), as double-byte text's do? A
    Western accent is mostly one high byte between ASCII letters."""
    high = paired = 0
    for i, b in enumerate(data):
        if b < 128:
            continue
        high += 1
        if (i and data[i - 1] >= 128) or (i + 1 < len(data) and data[i + 1] >= 128):
            paired += 1
    return bool(high) and paired >= high * 0.8


def _east_asian(data: bytes, least: int) -> str | None:
    """``data`` decoded as the East Asian encoding it plausibly is, with at least ``least``
    characters of its script, or None."""
    best: tuple[float, int, str] | None = None
    for rank, (codec, script) in enumerate(_EAST_ASIAN):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        share = _plausibility(text, codec, script, least)
        if share is not None and (best is None or (share, -rank) > best[:2]):
            best = (share, -rank, text)
    return best[2] if best else None


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
    """Decode a file's bytes: BOMs first, then UTF-8, then GB18030, Big5 or EUC-KR when the
    bytes decode cleanly as one and read as Chinese or Korean, then the likelier Western code
    page.

    Raises :class:`ReadError` for binary data and for bytes that no encoding here explains
    (mostly high bytes, as Shift-JIS or EUC-JP text saved without a BOM is).
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
    mostly_high = bool(letters) and high / letters > 0.5
    if mostly_high or _in_runs(data):  # Chinese or Korean, or no Western text
        # Mostly ASCII with a few high bytes side by side: Western text may do that, so a
        # Chinese or Korean reading needs more than a character or two of its script.
        text = _east_asian(data, 1 if mostly_high else _LEAST_BESIDE_ASCII)
        if text is not None:
            return text
    if mostly_high:
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
