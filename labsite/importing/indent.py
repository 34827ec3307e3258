"""Step 3's fix for accidental indentation: a lone indented line of prose is text, not code.

Markdown makes a code block of a line indented four spaces (or a tab) after a blank line. On
homepages that is seldom what the author meant: a "last update 2023" pushed to the right with
spaces, a paragraph indented the way a word processor indents one, a sentence left indented
after a list. Jekyll often shows such lines as text anyway (kramdown inside the page's HTML
blocks), while the renderer here would print a ``<pre>`` that no phone screen can hold. So the
importer, and only the importer, moves such a line back to the margin when all of these hold:

- it is the only line of what would be its code block (a block of two or more lines is code:
  people do not indent several lines by accident);
- it reads as prose: at least two words, no code punctuation (braces, semicolons, ``=``, angle
  brackets, backticks, ``$``), no prompt (``>>>``, ``#``), no option (``--flag``), path or call
  (``name(``), and it does not start with a shell or language keyword (:data:`COMMAND_WORDS`);
- it is not inside a fenced block or a ``<pre>`` element.

After a list the same line belongs to the list's last item (a continuation paragraph at four
spaces): there it only becomes code from eight spaces, and it is moved to four. The shared
renderer (:mod:`labsite.markdown`) is not changed: a member who indents code in the admin
means code.
"""

from __future__ import annotations

import re

#: First words (as typed, lower case) of one-line commands and statements people indent on
#: purpose, which have no code punctuation to tell them by ("pip install x", "from a import b").
COMMAND_WORDS = frozenset({
    "apt", "apt-get", "bash", "brew", "bundle", "cargo", "cat", "cd", "chmod", "class", "conda",
    "cp", "curl", "def", "docker", "echo", "export", "from", "gcc", "git", "import", "java",
    "javac", "jekyll", "julia", "kubectl", "ls", "make", "mkdir", "mv", "node", "npm", "npx",
    "pip", "pip3", "python", "python3", "rails", "return", "rm", "rscript", "ruby", "scp", "sh",
    "ssh", "sudo", "tar", "unzip", "wget", "yarn",
})  # fmt: skip

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
# A line after which an indented line starts a block even without a blank line between.
_BOUNDARY = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:=+|-{2,}|(?:\*[ \t]*){3,})[ \t]*$)")
_MD_LINK = re.compile(r"!?\[[^\[\]\n]{0,300}\]\([^()\s]{0,500}\)")
_CODE = re.compile(
    r"""
      [{}\[\];<>=|\\`$]          # braces, statements, comparisons, tags, pipes, math, code spans
    | \w\(                       # a call: name(
    | :: | -> | && | \+\+ | /\* | \*/
    | (?<!:)//                   # a comment (but not the // of an address)
    | (?:^|\s)--?[A-Za-z]        # an option: -v, --force
    | (?:^|\s)(?:~|\.{1,2})?/\w  # a path: /usr, ./run, ~/lab
    | \w_\w                      # snake_case
    | ^(?:\#|%|@|\*|-|\+|\d+[.)](?:\s|$))  # a comment, a directive, a list marker
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"[^\W\d_]{2,}")


def _indent(line: str) -> int:
    """Columns of leading whitespace, tabs to the next multiple of four (as markdown counts)."""
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def looks_like_prose(text: str) -> bool:
    """Whether one line reads as a sentence or a note rather than code or a command."""
    text = text.strip()
    words = text.split()
    if len(words) < 2 or words[0] in COMMAND_WORDS or text.startswith(">>>"):
        return False
    if _CODE.search(_MD_LINK.sub("link", text)):
        return False
    return sum(1 for word in words if _WORD.search(word)) * 2 >= len(words)


def _after_list(lines: list[str], i: int) -> bool:
    """Whether the paragraph before line ``i`` is (part of) a list: the line continues it."""
    p = i - 1
    while p >= 0 and not lines[p].strip():
        p -= 1
    if p < 0:
        return False
    start = p
    while start > 0 and lines[start - 1].strip():
        start -= 1
    run = lines[start : p + 1]
    return any(_LIST_ITEM.match(line) for line in run) or _indent(run[0]) > 0


def dedent_stray_lines(text: str) -> str:
    """``text`` with each lone indented prose line moved to the margin (see the module doc).

    Pure; every line stays on its line, so line numbers in later messages do not move.
    """
    if "    " not in text and "\t" not in text:
        return text
    lines = text.split("\n")
    n = len(lines)
    fence: str | None = None
    in_pre = False
    i = 0
    while i < n:
        line = lines[i]
        lowered = line.lower()
        if fence is not None:
            closing = _FENCE.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = None
            i += 1
            continue
        if in_pre:
            in_pre = "</pre" not in lowered
            i += 1
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            i += 1
            continue
        if "<pre" in lowered:
            in_pre = "</pre" not in lowered.split("<pre", 1)[1]
            i += 1
            continue
        starts_block = i == 0 or not lines[i - 1].strip() or _BOUNDARY.match(lines[i - 1])
        if not (line.strip() and _indent(line) >= 4 and starts_block):
            i += 1
            continue
        # The would-be code block: indented lines, and the blank lines between them.
        end = i + 1
        while end < n and (not lines[end].strip() or _indent(lines[end]) >= 4):
            end += 1
        filled = [k for k in range(i, end) if lines[k].strip()]
        in_list = _after_list(lines, i)
        if len(filled) == 1 and _indent(line) >= (8 if in_list else 4) and looks_like_prose(line):
            lines[i] = (" " * 4 if in_list else "") + line.strip()
        i = end
    return "\n".join(lines)
