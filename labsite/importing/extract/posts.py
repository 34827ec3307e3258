"""Blog posts: ``_posts/YYYY-MM-DD-slug.md`` of a Jekyll site (academicpages, al-folio, …).

Pure: a parsed page in, a :class:`~labsite.importing.records.PostRecord` out. Jekyll's own
rules are followed where the front matter is silent: the date and slug come from the file
name, ``published: false`` is a draft, and ``tags`` and ``categories`` may be a YAML list or a
space-separated string. Images the body names by a relative address become media to store
(:func:`~labsite.importing.extract.projects.body_media`), as for a project's write-up.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.text import slugify

from labsite.importing.extract.common import Context, date_of, strip_markup
from labsite.importing.extract.projects import body_media
from labsite.importing.parse import ParsedPage
from labsite.importing.records import PageRecord, PostRecord, SourceRef

#: ``2024-04-03-asymml.md``: Jekyll's post file name.
_FILE_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")
#: Front-matter values of ``published`` that mean "not yet".
_FALSE = {"false", "no", "off", "0", "draft"}


def name_parts(file_name: str) -> tuple[str, str]:
    """``("2024-04-03", "asymml")`` from ``2024-04-03-asymml.md``; ``("", stem)`` otherwise."""
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    m = _FILE_NAME.match(stem)
    if not m:
        return "", stem
    year, month, day, slug = m.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}", slug


def _words(value: Any) -> list[str]:
    """A tags/categories value: a YAML list, or Jekyll's space-separated string."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if isinstance(item, str | int) and str(item)]
    return []


def _published(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() not in _FALSE
    return True


def extract_post(parsed: ParsedPage, source_path: str) -> PostRecord | None:
    """The post in ``parsed`` (read from ``source_path``), or None without a date or a title.

    The body's images are not resolved here (that needs the site folder): see :func:`post_page`.
    """
    meta = parsed.meta
    name_date, name_slug = name_parts(source_path)
    when = date_of(meta.get("date")) or (date_of(name_date) if name_date else None)
    title_value = meta.get("title")
    title = strip_markup(title_value).strip() if isinstance(title_value, str) else ""
    if not title:
        title = name_slug.replace("-", " ").replace("_", " ").strip().capitalize()
    if when is None or not title:
        return None
    tags: list[str] = []
    for word in [*_words(meta.get("tags")), *_words(meta.get("categories"))]:
        if word.casefold() not in {t.casefold() for t in tags}:
            tags.append(word)
    excerpt = meta.get("excerpt") or meta.get("description") or ""
    excerpt = " ".join(strip_markup(excerpt).split())[:500] if isinstance(excerpt, str) else ""
    permalink = meta.get("permalink")
    redirects = meta.get("redirect_from")
    redirects = [redirects] if isinstance(redirects, str) else redirects
    redirects = [r.strip() for r in redirects or [] if isinstance(r, str) and r.strip()]
    return PostRecord(
        title=title[:300],
        date=when[0],
        slug=slugify(name_slug)[:80] or slugify(title)[:80],
        body=parsed.body.strip(),
        excerpt=excerpt,
        tags=tags[:20],
        published=_published(meta.get("published", True)),
        permalink=permalink.strip() if isinstance(permalink, str) else "",
        redirect_from=redirects[:20],
        source=SourceRef(source_path, 1),
        key=source_path,
    )


def post_page(parsed: ParsedPage, source_path: str, ctx: Context) -> PageRecord:
    """The page record of one ``_posts`` file: its post, with the body's images to store."""
    page = PageRecord(source=SourceRef(source_path, 1), title=parsed.title)
    post = extract_post(parsed, source_path)
    if post is None:
        page.warnings.append(f"{source_path}: blog post not imported (no title or date)")
        return page
    post.body, post.media, warnings = body_media(post.body, ctx)
    page.warnings.extend(f"{source_path}: {warning}" for warning in warnings)
    page.posts.append(post)
    return page
