"""Research projects written on a page: ``### Title`` blocks with collaborators and a figure.

A block reads as a project when it has at least one of: a "Collaborated with" list, a figure,
a "Read More" link, or a link list (``[[Paper]](…)[[Code]](…)``); otherwise a "Research"
heading is just prose about research interests and stays a prose section.
"""

from __future__ import annotations

import re

from labsite.importing.extract.authors import split_top_level
from labsite.importing.extract.common import (
    Context,
    find_links,
    item_lines,
    link_kind,
    normalise,
    remove_links,
    split_items,
    strip_markup,
)
from labsite.importing.records import (
    CollaboratorRecord,
    FigureRecord,
    LinkRecord,
    MediaRef,
    ProjectRecord,
    SourceRef,
)

_IMG_HTML = re.compile(r"<img\s[^<>]{0,2000}>", re.I)
_IMG_MD = re.compile(
    r"!\[([^\[\]\n]{0,500})\]\(\s*([^()\s]{1,1000})(?:\s+\"([^\"\n]{0,300})\")?\s*\)"
)
_ATTR = re.compile(
    r"([a-zA-Z-]{1,30})\s*=\s*(?:\"([^\"]{0,1000})\"|'([^']{0,1000})'|([^\s>]{1,200}))"
)
_COLLAB = re.compile(
    r"^\s*(?:\*\*|__|_|\*)?\s*(?:collaborated with|in collaboration with|collaborators?|"
    r"joint work with|with)\s*(?:\*\*|__|_|\*)?\s*:?\s*",
    re.I,
)
_READ_MORE = re.compile(r"read\s*more|more details|learn more|full write-?up", re.I)


def figures_in(text: str, ctx: Context) -> list[FigureRecord]:
    """``<img src width alt>`` and ``![alt](src "title")`` as figures, resolved in the site."""
    found: list[tuple[int, FigureRecord]] = []
    for m in _IMG_HTML.finditer(text):
        attrs = {
            a.group(1).lower(): next(g for g in a.groups()[1:] if g is not None)
            for a in _ATTR.finditer(m.group(0))
        }
        src = attrs.get("src", "").strip()
        if not src:
            continue
        width = None
        raw_width = attrs.get("width", "")
        style_width = re.search(r"width\s*:\s*(\d{1,4})px", attrs.get("style", ""))
        if re.fullmatch(r"\d{1,4}(?:px)?", raw_width.strip()):
            width = int(re.sub(r"\D", "", raw_width))
        elif style_width:
            width = int(style_width.group(1))
        found.append(
            (
                m.start(),
                FigureRecord(
                    src=src,
                    path=ctx.resolve(src),
                    alt=attrs.get("alt", ""),
                    caption=attrs.get("title", ""),
                    display_width=width,
                ),
            )
        )
    for m in _IMG_MD.finditer(text):
        src = m.group(2).strip()
        found.append(
            (
                m.start(),
                FigureRecord(
                    src=src, path=ctx.resolve(src), alt=m.group(1), caption=m.group(3) or ""
                ),
            )
        )
    found.sort(key=lambda t: t[0])
    return [f for _, f in found]


def _collaborators(text: str) -> list[CollaboratorRecord]:
    out: list[CollaboratorRecord] = []
    for raw in (part for line in text.split("\n") for part in split_top_level(line)):
        raw = raw.strip()
        if not raw:
            continue
        links = find_links(raw)
        name = re.sub(r"^(?:and|&)\s+|\s+(?:and|&)$", "", strip_markup(raw).strip(" .")).strip()
        if not name or len(name.split()) > 6 or not re.search(r"[^\W\d_]", name):
            continue
        out.append(CollaboratorRecord(name=name, url=links[0][1] if links else ""))
    return out


def project_from_block(
    title: str,
    lines: list[tuple[int, str]],
    line: int,
    ctx: Context,
    source_path: str,
    lenient: bool = False,
) -> ProjectRecord | None:
    """One ``### Title`` block → a project, or None when the block has no project shape.

    ``lenient``: a sibling of real projects needs no figure or collaborators, only a summary.
    """
    title = re.sub(r"^\s*\d{1,2}[.)]\s+(?=\S)", "", title)  # "### 1. Analytical Modeling"
    record = ProjectRecord(
        title=title, source=SourceRef(source_path, line), key=normalise(title)[:200]
    )
    summary: list[str] = []
    collecting = False
    collab_text: list[str] = []
    texts = [t for _, t in lines]
    for raw in texts:
        stripped = raw.strip()
        if collecting:
            if not stripped or _IMG_HTML.search(stripped) or _IMG_MD.search(stripped):
                collecting = False
            else:
                collab_text.append(stripped)
                continue
        m = _COLLAB.match(stripped)
        if (
            m
            and (stripped[m.end() :].strip() == "" or find_links(stripped) or "," in stripped)
            and (
                re.match(
                    r"^\W*(?:collaborated|in collaboration|collaborators?|joint work)",
                    stripped,
                    re.I,
                )
            )
        ):
            collecting = True
            rest = stripped[m.end() :].strip()
            if rest:
                collab_text.append(rest)
            continue
        figures = figures_in(stripped, ctx)
        if figures:
            record.figures.extend(figures)
            leftover = _IMG_MD.sub("", _IMG_HTML.sub("", stripped)).strip()
            if leftover:
                summary.append(leftover)
            continue
        links = find_links(stripped)
        more = [(label, url) for label, url, _ in links if _READ_MORE.search(label)]
        if more:
            record.read_more = more[0][1]
            leftover = strip_markup(remove_links(stripped)).strip()
            if leftover:
                summary.append(remove_links(stripped))
            continue
        if _READ_MORE.fullmatch(strip_markup(stripped).strip(" .…")):
            continue  # "`Read More ...`" with nowhere to go
        summary.append(raw.rstrip())
    record.collaborators = _collaborators("\n".join(collab_text))
    record.summary = "\n".join(summary).strip()
    shaped = record.collaborators or record.figures or record.read_more
    if not shaped and not (lenient and len(strip_markup(record.summary).split()) >= 5):
        return None
    return record


def projects_from_list(
    lines: list[tuple[int, str]], ctx: Context, source_path: str
) -> list[ProjectRecord]:
    """``* **Title** [[Paper]](…)[[Code]](…)`` items, one project each."""
    out = []
    for item in split_items(lines):
        parts = item_lines(item)
        if not parts:
            continue
        first = parts[0]
        m = re.match(r"^\s*(?:\*\*|__|<b>|<strong>)(.{2,300}?)(?:\*\*|__|</b>|</strong>)", first)
        outward = [url for _, url, _ in find_links("\n".join(parts)) if not url.startswith("#")]
        if not m or not outward:
            continue  # a project list item is a bold title with somewhere to go
        title = strip_markup(m.group(1))
        record = ProjectRecord(
            title=title.strip(" ."),
            source=SourceRef(source_path, item.line),
            key=normalise(title)[:200],
        )
        text = "\n".join(parts)
        for label, url, _ in find_links(text):
            if strip_markup(label) == record.title:
                continue
            record.links.append(LinkRecord(kind=link_kind(label, url), url=ctx.absolute(url)))
        record.figures = figures_in(text, ctx)
        rest = strip_markup(remove_links("\n".join(parts[1:]))).strip()
        record.summary = rest
        out.append(record)
    return out


# ---------------------------------------------------------------- write-up media

# ``![alt](src "t")``, ``[text](src)``, ``<img src=…>``, ``<a href=…>``: (before, address, after)
_REF_MD = re.compile(
    r"(!?\[[^\[\]\n]{0,500}\]\(\s*)([^()\s]{1,1000})((?:\s+\"[^\"\n]{0,300}\")?\s*\))"
)
_REF_HTML = re.compile(
    r"(<(?:img|a|source|video)\b[^<>]{0,2000}?\b(?:src|href)\s*=\s*)"
    r"(\"[^\"<>]{1,1000}\"|'[^'<>]{1,1000}')",
    re.I,
)
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"}


def _is_local(url: str) -> bool:
    """``images/a.png`` and ``/assets/a.png`` are; ``https://…``, ``//cdn…``, ``#top`` are not."""
    url = url.strip()
    return bool(url) and not (
        url.startswith(("#", "//", "{{", "{%")) or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I)
    )


def local_refs(body: str) -> list[str]:
    """Every relative address the body's images and links name, in order, once each."""
    found = [m.group(2) for m in _REF_MD.finditer(body)]
    found += [m.group(2)[1:-1].strip() for m in _REF_HTML.finditer(body)]
    return list(dict.fromkeys(url for url in found if _is_local(url)))


def rewrite_refs(body: str, mapping: dict[str, str]) -> str:
    """``body`` with the addresses in ``mapping`` replaced (markdown and HTML), nothing else."""
    if not mapping:
        return body

    def markdown(m: re.Match[str]) -> str:
        new = mapping.get(m.group(2))
        return m.group(0) if new is None else f"{m.group(1)}{new}{m.group(3)}"

    def html(m: re.Match[str]) -> str:
        quote, url = m.group(2)[0], m.group(2)[1:-1].strip()
        new = mapping.get(url)
        return m.group(0) if new is None else f"{m.group(1)}{quote}{new}{quote}"

    return _REF_HTML.sub(html, _REF_MD.sub(markdown, body))


def body_media(body: str, ctx: Context) -> tuple[str, list[MediaRef], list[str]]:
    """Relative images and links of a write-up: (body, images to store, warnings).

    An image present in the site folder becomes a :class:`MediaRef` (the writer stores it and
    points the body at the stored file); any other relative address is rewritten to the original
    site when ``_config.yml`` gives its ``url``, else left as written with a warning.
    """
    media: list[MediaRef] = []
    mapping: dict[str, str] = {}
    warnings: list[str] = []
    for url in local_refs(body):
        path = ctx.resolve(url)
        fallback = ctx.absolute(url) if ctx.site_url else ""
        if path is not None and path.suffix.lower() in _IMAGE_SUFFIXES:
            media.append(MediaRef(src=url, path=path, fallback=fallback))
        elif fallback:
            mapping[url] = fallback
        else:
            warnings.append(
                f"relative link {url!r} in a write-up: no such image in the site folder and "
                "no site url in _config.yml; left as written"
            )
    return rewrite_refs(body, mapping), media, warnings
