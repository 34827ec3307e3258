"""Step 4 of the import for a hand-written page: each section by its heading *and* its shape.

A heading says what a section means to be ("Selected Publications", "Honors and Awards",
"Recent News"); its shape says whether it is (dated items, author lines, ``### Title`` blocks
with collaborators). A heading-less block is recognised by shape alone; a list page whose
headings are its items (``### TA: Course @ School, Fall 2020`` under a "Teaching" title) is
read as one list. Anything that is not a recognisable list stays prose, headings and order kept.
"""

from __future__ import annotations

import re
from typing import Any

from labsite.importing.extract.common import (
    Context,
    date_of,
    normalise,
    split_items,
    strip_markup,
)
from labsite.importing.extract.lists import (
    extract_honors,
    extract_news,
    extract_talks,
    extract_teaching,
    teaching_from_headings,
)
from labsite.importing.extract.projects import project_from_block, projects_from_list
from labsite.importing.extract.publications import extract_publications, highlighted_names
from labsite.importing.images import drop_missing_images
from labsite.importing.kramdown import as_site_markdown
from labsite.importing.parse import ParsedPage, Section
from labsite.importing.records import NewsRecord, PageRecord, SectionRecord, SourceRef
from labsite.importing.words import SECTION_HEADINGS

_KINDS = SECTION_HEADINGS
LIST_KINDS = {k for k, _ in _KINDS}
# Sample text the academicpages / al-folio themes ship with, left in place by their users.
_THEME_SAMPLE = re.compile(
    r"github university|version control theory|replace this text with your|"
    r"a growing collection of your cool projects|members of the lab or group|"
    r"555 your office number|your city, state 12345|organize your courses by years|"
    r"this is a page not in th(?:e|) main menu|sub-skill \d|different slack teams",
    re.I,
)


def is_theme_sample(text: str) -> bool:
    """Does ``text`` hold a theme's sample content that nobody replaced ("GitHub University")?"""
    return bool(_THEME_SAMPLE.search(text))


_CALL_WORDS = re.compile(
    r"\bdeadline|\bapply\b|\bapplications?\b|\bapplicants?\b|\bwe welcome\b", re.I
)
_NOT_PERSON = re.compile(
    r"\b(?:about|home|welcome|publications?|research|news|cv|resume|teaching|talks?|projects?|"
    r"blog|biography|bio|contact|awards?|service|people|members|page|me|my|the|of|and|index|"
    r"group|lab|team|archive|posts?|notes?|software|resources|openings|students|learning|"
    r"science|sciences|systems?|laboratory|university|institute|department|vision|language|"
    r"data|datasets?|computing|intelligence|robotics|theory|reading|gallery|photos?|links|code|"
    r"courses?|workshops?|seminars?|events?|join|faq|misc|miscellaneous|open|source|machine|"
    r"deep|neural|quantum|network|networks|lectures?|tutorials?|books?|bookshelf|repositories|"
    r"dropdown|profiles?|selected|recent|latest|works?|honou?rs|cv|vitae|curriculum|hobbies)\b",
    re.I,
)


def classify(heading: str) -> str:
    """The section kind a heading names, or ""."""
    low = strip_markup(heading).lower()
    if not low or len(low) > 80 or len(low.split()) > 6:
        return ""
    for kind, pattern in _KINDS:
        if re.search(pattern, low):
            return kind
    return ""


# A degree after a name: "Jane Roe, PhD", "Jane Roe Ph.D.", "Jane Roe, MD, MPH".
_DEGREE = re.compile(
    r"(?:,\s*|\s+)(?:Ph\.?\s?D\.?|D\.?\s?Phil\.?)\s*$|"
    r",\s*(?:M\.?D|M\.?P\.?H|M\.?B\.?A|M\.?Sc?|M\.?A|M\.?Eng|B\.?Sc?|P\.?Eng|FRS|RN)\.?\s*$"
)
# Lower-case name particles: "Jens d'Hondt", "Anna van der Berg", "Luis de la Cruz".
_PARTICLE = re.compile(
    r"^(?:(?:van|von|der|den|de|del|della|di|da|du|dos|das|le|la|ter|ten|bin|ibn|al|y|e)"
    r"|[dlo][’'][^\W\d_][\w'’.\-]*)$"
)


def _strip_degrees(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _DEGREE.sub("", text).strip()
    return text


def _name_part(title: str) -> str:
    """ "Lena Varkonyi — Sand & Dunes" → "Lena Varkonyi": a tagline after a dash or bar goes."""
    text = re.split(r"\s+[—–|·]\s+|\s+-\s+", strip_markup(title), maxsplit=1)[0]
    text = re.sub(  # "Jane Roe's Homepage", "Homepage of Jane Roe"
        r"['’]s\s+(?:personal\s+|academic\s+)?(?:home\s?page|web\s?site|site|page)$",
        "",
        text.strip(),
        flags=re.I,
    )
    text = re.sub(
        r"^(?:the\s+)?(?:personal\s+|academic\s+)?(?:home\s?page|web\s?site)\s+of\s+",
        "",
        text,
        flags=re.I,
    )
    return text


def person_like(title: str) -> bool:
    """Does a page title name a person ("Lena Varkonyi", "Wei Chen (Victor)")?"""
    text = re.sub(r"\([^()]{0,40}\)", "", _name_part(title)).strip()
    text = _strip_degrees(re.sub(r"^(?:dr|prof|professor)\.?\s+", "", text, flags=re.I))
    words = text.split()
    if not 2 <= len(words) <= 5 or _NOT_PERSON.search(text):
        return False
    if not words[0][0].isupper():
        return False
    return all(
        re.match(r"^[^\W\d_][\w'’.\-]*$", w) and (w[0].isupper() or _PARTICLE.match(w))
        for w in words
    )


def clean_person_name(name: str) -> str:
    text = " ".join(re.sub(r"\([^()]{0,40}\)", "", _name_part(name)).split())
    return _strip_degrees(re.sub(r"^(?:dr|prof|professor)\.?\s+", "", text, flags=re.I).strip())


class SectionError(Exception):
    """A section the extractors could not read; ``line`` is where it starts in the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Builder:
    def __init__(self, parsed: ParsedPage, source_path: str, ctx: Context) -> None:
        self.parsed = parsed
        self.path = source_path
        self.ctx = ctx
        self.page = PageRecord(source=SourceRef(source_path, 1), title=parsed.title)

    # -- one section --------------------------------------------------------------------
    def add(self, sec: Section, kind_hint: str, title: str) -> None:
        """Extract ``sec`` as ``kind_hint`` if its shape allows, else keep it as prose."""
        heading_kind = classify(title) or kind_hint
        lines = sec.all_lines()
        selected = bool(re.search(r"\bselected\b", title, re.I))
        ref = SourceRef(self.path, sec.line)
        try:
            kind = heading_kind or self._shape(lines)
            if kind and self._extract(kind, sec, lines, selected, title, ref):
                return
        except RecursionError as exc:
            raise SectionError(
                sec.line, f"cannot parse section {title!r} (nested too deeply)"
            ) from exc
        except Exception as exc:  # reported with the section's line; the file is skipped
            raise SectionError(
                sec.line, f"cannot parse section {title!r} ({type(exc).__name__}: {exc})"[:300]
            ) from exc
        body = sec.markdown()
        if _THEME_SAMPLE.search(body):
            where = f"{self.path}:{sec.line}"
            self.page.warnings.append(
                f"{where}: section {title!r} is the theme's sample text; not imported"
            )
            return
        if re.search(r"[^\W_]", strip_markup(body)):
            self.page.sections.append(
                SectionRecord(title=title, kind="prose", body=self._shown(body, ref), source=ref)
            )

    def _shown(self, body: str, ref: SourceRef) -> str:
        """A section's text as Jekyll shows it, without images the site folder lacks."""
        body, missing = drop_missing_images(as_site_markdown(body), self.ctx)
        for src in missing:
            self.page.warnings.append(
                f"{ref}: image {src!r} is not in the site folder; left out (upload it in the admin)"
            )
        return body

    def _shape(self, lines: list[tuple[int, str]]) -> str:
        items = split_items(lines)
        news = extract_news(lines, self.path)
        precise = [n for n in news if n.precision != "year"]
        if len(items) >= 2 and len(precise) >= max(2, (len(items) + 1) // 2):
            return "news"
        pubs = extract_publications(lines, self.ctx, self.path)
        solid = [p for p in pubs if len(p.authors) >= 2 and (p.venue or p.year)]
        if len(solid) >= 2 and len(solid) >= len(items) // 2:
            return "publications"
        return ""

    def _intro(self, lines: list[tuple[int, str]], used: set[int], title: str = "") -> str:
        """Text of a list section that is not one of its items (an introduction, a legend, a
        sub-list none of whose items was read as an entry), under the subheadings it sits
        under; a subheading left with no text under it, or that repeats ``title``, is left
        out."""
        parts: list[tuple[bool, str]] = []  # (is a heading, text)
        # each item's source line numbers (a setext heading's underline is not among them)
        numbers = iter([n for n, raw in lines if raw.strip()])
        for item in split_items(lines):
            rest = list(item.lines)
            where = [next(numbers) for _ in rest]
            while rest and re.match(r"^\s*#", rest[0]):  # a subheading glued to its block
                heading = rest.pop(0).strip()
                where.pop(0)
                if heading.lstrip("#").strip().casefold() != title.strip().casefold():
                    parts.append((True, heading))
            inside = [i for i, n in enumerate(where) if n in used]
            if inside:  # an entry, or a block of HTML holding entries: keep what comes first
                rest = rest[: inside[0]]
            if len(strip_markup(" ".join(rest)).split()) >= 3:
                parts.append((False, "\n".join(rest).strip()))
        return "\n\n".join(
            text for i, (heading, text) in enumerate(parts) if not heading or _has_text(parts, i)
        )

    def _extract(
        self,
        kind: str,
        sec: Section,
        lines: list[tuple[int, str]],
        selected: bool,
        title: str,
        ref: SourceRef,
    ) -> bool:
        page = self.page
        records: list[Any]
        if kind == "publications":
            records = extract_publications(lines, self.ctx, self.path, selected)
            page.publications.extend(records)
        elif kind == "news":
            records = extract_news(lines, self.path)
            page.news.extend(records)
        elif kind == "honors":
            items = split_items(lines)
            if not items or sum(1 for i in items if i.is_list) < len(items) // 2:
                return False
            calls = sum(1 for i in items if _CALL_WORDS.search(i.text))
            if calls * 3 > len(items):
                return False  # "Postdoc fellowships" you may apply for are not honors
            records = extract_honors(lines, self.path)
            page.honors.extend(records)
        elif kind == "talks":
            records = [
                t
                for t in extract_talks(lines, self.ctx, self.path)
                if not strip_markup(t.title).endswith(("...", "…"))
            ]
            page.talks.extend(records)
        elif kind == "teaching":
            headed = list(_item_headings(sec, "teaching"))
            records = teaching_from_headings([(c.heading, c.line) for c in headed], self.path)
            if not records:
                records = extract_teaching(lines, self.path)
            page.teaching.extend(records)
        elif kind == "projects":
            records = []
            children = [c for c in _item_headings(sec, "projects") if c.heading]
            found = [
                project_from_block(c.heading, c.all_lines(), c.line, self.ctx, self.path)
                for c in children
            ]
            if any(found):  # a text-only block among figured projects is a project too
                found = [
                    project
                    or project_from_block(
                        c.heading, c.all_lines(), c.line, self.ctx, self.path, lenient=True
                    )
                    for c, project in zip(children, found, strict=True)
                ]
            records = [project for project in found if project is not None]
            if not records:
                records = projects_from_list(sec.lines, self.ctx, self.path)
            page.projects.extend(records)
        else:
            return False
        if not records:
            return False
        used = {r.source.line for r in records}
        intro = sec.body if kind == "projects" else self._intro(lines, used, title)
        intro = self._shown(intro, ref)
        page.sections.append(SectionRecord(title=title, kind=kind, body=intro, source=ref))
        return True

    # -- the page -----------------------------------------------------------------------
    @staticmethod
    def _select_under_headings(roots: list[Section], papers: list) -> None:
        """Papers read from a merged page keep the selection their own heading gave them
        ("## Selected Publications" above "## Journal Articles")."""
        starts = [r.line for r in roots] + [10**9]
        spans = [
            (start, end)
            for root, start, end in zip(roots, starts, starts[1:], strict=False)
            if root.heading and re.search(r"\bselected\b", root.heading, re.I)
        ]
        for paper in papers:
            if any(start <= paper.source.line < end for start, end in spans):
                paper.selected = True

    def build(self) -> PageRecord:
        parsed = self.parsed
        meta = parsed.meta
        page_title = parsed.title
        permalink = meta.get("permalink") if isinstance(meta.get("permalink"), str) else ""
        page_kind = classify(page_title) or classify(permalink.strip("/").split("/")[-1])
        roots = parsed.sections
        intro_title = page_title if page_title and not person_like(page_title) else "About"
        headed = [r for r in roots if r.heading]
        merged_done = False
        if page_kind and headed and all(classify(r.heading) in ("", page_kind) for r in headed):
            merged = Section("", 0, roots[0].line if roots else 1, "intro")
            first = roots[0] if roots and not roots[0].heading else None
            if first is not None:
                merged.lines = list(first.lines)
            merged.children = [r for r in roots if r is not first]
            n_sections, before = len(self.page.sections), self._count()
            n_papers = len(self.page.publications)
            self.add(merged, page_kind, page_title or page_kind.capitalize())
            merged_done = self._count() > before
            self._select_under_headings(roots, self.page.publications[n_papers:])
            if not merged_done:  # nothing recognised: keep the headings as prose sections
                del self.page.sections[n_sections:]
        if not merged_done:
            for sec in roots:
                if sec.heading:
                    self.add(sec, "", sec.heading)
                else:
                    self.add(sec, page_kind, intro_title)
        self._feature_rows(meta)
        self._collection_sections(page_title)
        self._al_folio_about(meta)
        self._meta_fields(meta)
        return self.page

    def _collection_sections(self, page_title: str) -> None:
        """A section whose Liquid lists a collection becomes that list (its text, the intro).

        academicpages' publications page is prose plus ``{% for post in site.publications %}``;
        the records come from ``_publications/``, the heading and intro from here. A page that
        loops over one collection several times (filtered by category) gets one list section
        before the first loop and keeps its prose sections as they are.
        """
        sections = self.page.sections
        by_kind: dict[str, list[int]] = {}
        for line, kind in self.parsed.collection_refs:
            by_kind.setdefault(kind, []).append(line)
        for kind, lines in by_kind.items():
            if any(s.kind == kind for s in sections):
                continue
            line = lines[0]
            index = next((i for i, s in enumerate(sections) if s.source.line > line), len(sections))
            holder = sections[index - 1] if index > 0 else None
            if len(lines) == 1 and holder is not None and holder.kind == "prose":
                holder.kind = kind
                continue
            title = page_title if classify(page_title) == kind else kind.capitalize()
            sections.insert(
                index, SectionRecord(title=title, kind=kind, source=SourceRef(self.path, line))
            )

    def _al_folio_about(self, meta: dict[str, Any]) -> None:
        """al-folio's about layout adds news and selected papers after the text when asked to."""
        announcements = meta.get("announcements")
        news_on = meta.get("news") is True or (
            isinstance(announcements, dict) and announcements.get("enabled") is True
        )
        kinds = {s.kind for s in self.page.sections}
        if news_on and "news" not in kinds:
            self.page.sections.append(
                SectionRecord(title="News", kind="news", source=SourceRef(self.path, 1))
            )
        if meta.get("selected_papers") is True and "publications" not in kinds:
            self.page.sections.append(
                SectionRecord(
                    title="Selected Publications",
                    kind="publications",
                    source=SourceRef(self.path, 1),
                )
            )

    def _count(self) -> int:
        p = self.page
        return sum(map(len, (p.publications, p.news, p.honors, p.talks, p.teaching, p.projects)))

    def _feature_rows(self, meta: dict[str, Any]) -> None:
        """minimal-mistakes ``feature_row`` blocks whose titles are dates: a news page."""
        news: list[NewsRecord] = []
        for key, value in meta.items():
            if not re.fullmatch(r"feature_row\d*", key) or not isinstance(value, list):
                continue
            for entry in value:
                if not isinstance(entry, dict):
                    continue
                when = date_of(str(entry.get("title", "")))
                text = str(entry.get("excerpt") or "").strip()
                if not when or not text or not re.search(r"\d", str(entry.get("title", ""))):
                    continue
                extra = []
                for suffix in ("", "2", "3", "4"):
                    url = entry.get(f"url{suffix}")
                    label = entry.get(f"btn_label{suffix}") or "Link"
                    if isinstance(url, str) and url.strip():
                        extra.append(f"[{label}]({self.ctx.absolute(url.strip())})")
                if extra:
                    text = text + "\n\n" + " · ".join(extra)
                news.append(
                    NewsRecord(
                        date=when[0],
                        text=text,
                        precision=when[1],
                        source=SourceRef(self.path, 1),
                        key=f"{when[0].isoformat()}:{normalise(strip_markup(text))[:80]}",
                    )
                )
        if news:
            self.page.news.extend(news)
            self.page.sections.append(
                SectionRecord(
                    title=self.parsed.title or "News", kind="news", source=SourceRef(self.path, 1)
                )
            )

    def _meta_fields(self, meta: dict[str, Any]) -> None:
        page = self.page
        permalink = meta.get("permalink")
        page.permalink = permalink.strip() if isinstance(permalink, str) else ""
        redirects = meta.get("redirect_from")
        if isinstance(redirects, str):
            redirects = [redirects]
        if isinstance(redirects, list):
            page.redirect_from = [str(r).strip() for r in redirects if isinstance(r, str | int)]
        owners: list[str] = []
        if person_like(self.parsed.title):
            owners.append(clean_person_name(self.parsed.title))
        for name in highlighted_names(page.publications):
            if name not in owners:
                owners.append(name)
        page.owner_names = owners


def _has_text(parts: list[tuple[bool, str]], i: int) -> bool:
    """Whether the heading ``parts[i]`` has text under it before a heading of its level or
    higher."""
    level = len(parts[i][1]) - len(parts[i][1].lstrip("#"))
    for heading, text in parts[i + 1 :]:
        if not heading:
            return True
        if len(text) - len(text.lstrip("#")) <= level:
            return False
    return False


def _item_headings(sec: Section, kind: str) -> list[Section]:
    """Subsections that are items; a "## Research" holding "### Project" blocks is looked into."""
    out: list[Section] = []
    for child in sec.children:
        if not child.heading:
            continue
        if classify(child.heading) == kind and any(g.heading for g in child.children):
            out.extend(_item_headings(child, kind))
        else:
            out.append(child)
    return out


def extract_page(parsed: ParsedPage, source_path: str, ctx: Context) -> PageRecord:
    """Everything a hand-written page says, as records; pure (the context only resolves files)."""
    return _Builder(parsed, source_path, ctx).build()
