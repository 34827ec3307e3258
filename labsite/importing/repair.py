"""Step 2 of the import: repair mojibake without touching text that was right.

A page saved as UTF-8 and later opened as cp1252 turns ``Don’t`` into ``Donâ€™t``; opened as
MacRoman, ``⭐`` becomes ``‚≠ê`` and ``🏆`` becomes an Apple-logo private-use character
followed by ``üèÜ``. ftfy undoes the common cases; a second pass undoes MacRoman runs that ftfy
leaves, accepting a run only when it decodes to emoji, symbols or punctuation, so that real
accented names, CJK and emoji stay as written.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # entities are markup here; the parsers decide what they mean
    uncurl_quotes=False,  # curly quotes are correct text
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization=None,
    explain=False,
)


def _mac_roman_chars() -> str:
    return "".join(bytes([b]).decode("mac_roman") for b in range(128, 256))


# A run of characters that MacRoman maps to bytes >= 0x80; UTF-8 mojibake is made only of those.
_MAC_RUN = re.compile("[" + re.escape(_mac_roman_chars()) + "]{2,64}")


def _acceptable(decoded: str) -> bool:
    """A MacRoman re-decoding is trusted only if it gives emoji, symbols or punctuation."""
    for ch in decoded:
        cat = unicodedata.category(ch)
        if ch in "\u200d\ufe0f\u00a0" or cat in ("So", "Sk", "Sm", "Sc", "No"):
            continue
        if cat.startswith("P") and ord(ch) >= 0x2000:
            continue
        if cat == "Zs":
            continue
        return False
    return True


def _fix_mac_run(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        decoded = run.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run
    return decoded if decoded != run and _acceptable(decoded) else run


def fix_mac_roman(text: str) -> str:
    """Undo UTF-8 read as MacRoman (``‚≠ê`` → ``⭐``) where the result is clearly meant."""
    return _MAC_RUN.sub(_fix_mac_run, text)


def _cp1252(byte_range: range) -> str:
    return "".join(bytes([b]).decode("sloppy-windows-1252") for b in byte_range)


# A UTF-8 sequence of three or four bytes read as cp1252 (``₂`` → ``â‚‚``, ``™`` → ``â„¢``):
# a lead byte E0–F4, then continuation bytes 80–BF. Real text never holds these runs.
_CONT = "[" + re.escape(_cp1252(range(0x80, 0xC0))) + "]"
_CP1252_RUN = re.compile(
    "[" + re.escape(_cp1252(range(0xE0, 0xF0))) + "]" + _CONT + "{2}"
    "|[" + re.escape(_cp1252(range(0xF0, 0xF5))) + "]" + _CONT + "{3}"
)


def _fix_cp1252_run(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        decoded = run.encode("sloppy-windows-1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run
    return decoded


def fix_cp1252_runs(text: str) -> str:
    """Undo the three- and four-byte sequences ftfy leaves when a line holds nothing else
    broken (``Hâ‚‚O`` alone), so a file with both ``Ã©`` and ``â‚‚`` comes back whole."""
    return _CP1252_RUN.sub(_fix_cp1252_run, text)


def repair_text(text: str) -> str:
    """Repair mojibake and stray control characters; correct text comes back unchanged."""
    try:
        fixed = ftfy.fix_text(text, _CONFIG)
    except Exception:  # ftfy on adversarial input must not stop an import
        fixed = text
    return fix_mac_roman(fix_cp1252_runs(fixed))
