"""What Jekyll's kramdown (GFM mode) shows, written so the site's Python-Markdown shows it too.

Kramdown's GFM parser lets a list, a pipe table or an HTML block interrupt a paragraph, reads
``~~text~~`` as struck-through, and takes an HTML block indented after a blank line as HTML;
Python-Markdown needs a blank line before each of those, has no strike-through, and makes the
indented HTML a code block of raw tags. :func:`as_site_markdown` bridges the two on text that
is about to be stored as a section's markdown. Fenced code is left exactly as written.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_TABLE_ROW = re.compile(r"^ {0,3}\|?[^|\n]*\|")
_TABLE_RULE = re.compile(r"^ {0,3}\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$")
_HTML_BLOCK = re.compile(
    r"</?(?:div|p|table|thead|tbody|tr|td|th|ul|ol|li|h[1-6]|section|article|figure|figcaption"
    r"|details|summary|blockquote|dl|dt|dd|center|hr|br|img|a)\b",
    re.I,
)
_STRIKE = re.compile(r"(?<![~\\])~~(?=\S)([^~\n]{1,500}?)(?<=\S)~~(?!~)")
_CODE_SPAN = re.compile(r"`[^`\n]*`")


def _strike(line: str) -> str:
    """``~~gone~~`` → ``<del>gone</del>``, not inside code spans."""
    if "~~" not in line:
        return line
    pieces = _CODE_SPAN.split(line)
    codes = _CODE_SPAN.findall(line)
    out = [_STRIKE.sub(r"<del>\1</del>", pieces[0])]
    for code, piece in zip(codes, pieces[1:], strict=True):
        out.extend([code, _STRIKE.sub(r"<del>\1</del>", piece)])
    return "".join(out)


def as_site_markdown(text: str) -> str:
    """``text`` as kramdown GFM would show it, in the markdown the site renders."""
    lines = text.split("\n")
    out: list[str] = []
    fence = ""
    block = ""  # "", "para", "list", "table", "html": the block the previous line belongs to
    for n, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence or opened:
            if opened and not fence:
                fence = opened.group(1)
            elif opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            out.append(line)
            block = ""
            continue
        if not line.strip():
            out.append(line)
            block = ""
            continue
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if indent and _HTML_BLOCK.match(stripped) and (block in ("", "html") or indent < 4):
            line = stripped  # indented HTML after a blank line is HTML, not code
        following = lines[n + 1] if n + 1 < len(lines) else ""
        kind = _kind(line, following, block)
        if block == "para" and kind in ("list", "table", "html"):
            out.append("")  # kramdown lets these interrupt a paragraph; Python-Markdown does not
        out.append(_strike(line))
        block = kind
    return "\n".join(out)


def _kind(line: str, following: str, block: str) -> str:
    if _LIST_ITEM.match(line):
        return "list"
    if block == "table" and _TABLE_ROW.match(line):
        return "table"
    if _TABLE_ROW.match(line) and _TABLE_RULE.match(following):
        return "table"
    if _HTML_BLOCK.match(line.lstrip()) and not line.startswith(" "):
        return "html" if block != "para" or re.match(r"</?(?!a\b|br\b|img\b)", line) else "para"
    return block if block in ("list", "html") else "para"
