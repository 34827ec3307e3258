"""Images a page's prose names by a relative address that the site folder does not hold.

Such an image would render as a broken picture (the file was never committed, or lives on a
server the import cannot see): it is left out of the stored text and reported, so the member
can upload it. Absolute addresses (``https://…``, ``//cdn…``) and data URIs are left alone.
"""

from __future__ import annotations

import re

from labsite.importing.extract.common import Context

_IMAGE = re.compile(
    r"!\[[^\[\]\n]{0,500}\]\(\s*<?(?P<md>[^()\s<>]{1,1000})>?(?:\s+\"[^\"\n]{0,200}\")?\s*\)"
    r"|<img\b[^<>]{0,2000}?\bsrc\s*=\s*(?:\"(?P<dq>[^\"<>]{1,1000})\"|'(?P<sq>[^'<>]{1,1000})')"
    r"[^<>]{0,2000}>",
    re.I,
)
_EMPTY_LINK = re.compile(r"\[\s*\]\([^()\s]{0,1000}\)|<a\b[^<>]{0,2000}>\s*</a\s*>", re.I)


def _relative(src: str) -> bool:
    src = src.strip()
    return bool(src) and not (
        src.startswith(("#", "//", "{{", "{%")) or re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I)
    )


def drop_missing_images(body: str, ctx: Context) -> tuple[str, list[str]]:
    """``(body, missing)``: the body without relative images absent from the site folder, and
    their addresses as written, in order, once each. Without a site folder nothing is judged."""
    if ctx.root is None or ("<img" not in body.lower() and "![" not in body):
        return body, []
    missing: list[str] = []

    def keep(src: str) -> bool:
        if not _relative(src) or ctx.resolve(src) is not None:
            return True
        if src not in missing:
            missing.append(src)
        return False

    def image(m: re.Match[str]) -> str:
        src = m.group("md") or m.group("dq") or m.group("sq") or ""
        return m.group(0) if keep(src) else ""

    body = _IMAGE.sub(image, body)  # one pass: the report names them in the page's order
    if missing:
        body = _EMPTY_LINK.sub("", body)  # a link that only held the image
    return body, missing
