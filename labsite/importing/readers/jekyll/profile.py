"""The site owner as a Jekyll ``_config.yml`` describes them (academicpages, al-folio, minima)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from labsite.importing.extract.common import Context, strip_markup
from labsite.importing.extract.page import clean_person_name, person_like
from labsite.importing.identity import heading_phrase
from labsite.importing.readers.files import avatar_figure
from labsite.importing.records import ProfileRecord

# The site's home or about page, by its address or its file: the one page whose title may name
# the owner (another page's title names what it is about: "Spherical Discrepancy", "Teaching").
_HOME_PERMALINK = re.compile(r"^/?(?:(?:index|home|about|about[-_]?me|bio)(?:\.html?|/)?)?$", re.I)
_HOME_STEMS = frozenset({"index", "home", "about", "about-me", "about_me", "aboutme", "bio"})
_HOME_LAYOUTS = frozenset({"about", "home", "homepage", "profile"})


def is_home_page(path: Path, root: Path, meta: dict[str, Any]) -> bool:
    """Is this the site's home or about page (permalink ``/`` or ``/about/``, an ``about``
    layout, or ``index.md``/``about.md`` at the top of the site or of ``_pages``)?"""
    permalink = meta.get("permalink")
    if isinstance(permalink, str) and permalink.strip():
        return bool(_HOME_PERMALINK.match(permalink.strip()))
    layout = meta.get("layout")
    if isinstance(layout, str) and layout.strip().lower() in _HOME_LAYOUTS:
        return True
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    top = len(parts) == 1 or (len(parts) == 2 and parts[0] == "_pages")
    return top and path.stem.lower() in _HOME_STEMS


def _url(value: str, template: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if re.match(r"^https?://", value):
        return value
    return template.format(value.strip("@/ "))


def _get(source: dict[str, Any], *keys: str) -> str:
    """The first of ``keys`` that holds text (or a number) in ``source``."""
    for key in keys:
        value = source.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


#: ``author.links`` entries (al-folio): which profile field a label fills, first fit wins.
_LINK_LABELS = [
    ("google_scholar", lambda label: "scholar" in label),
    ("github", lambda label: "github" in label),
    ("linkedin", lambda label: "linkedin" in label),
    ("twitter", lambda label: "twitter" in label or label == "x"),
    ("orcid", lambda label: "orcid" in label),
    ("email", lambda label: "email" in label),
    ("website", lambda label: label in ("website", "homepage")),
]

#: Profile links: (field, keys in the author block, keys at the top of _config.yml, URL form)
_SOCIAL = [
    (
        "google_scholar",
        ("googlescholar", "google_scholar", "scholar"),
        ("scholar_userid",),
        "https://scholar.google.com/citations?user={}",
    ),
    ("github", ("github",), ("github_username",), "https://github.com/{}"),
    ("orcid", ("orcid",), ("orcid_id",), "https://orcid.org/{}"),
    ("linkedin", ("linkedin",), ("linkedin_username",), "https://www.linkedin.com/in/{}"),
    ("twitter", ("twitter", "x"), ("x_username", "twitter_username"), "https://twitter.com/{}"),
]


def profile_from_config(config: dict[str, Any], ctx: Context) -> ProfileRecord:
    """The site owner as ``_config.yml`` describes them (academicpages or al-folio)."""
    profile = ProfileRecord()
    author = config.get("author") if isinstance(config.get("author"), dict) else {}
    if isinstance(config.get("author"), str):
        author = {"name": config["author"]}  # minima and friends: ``author: Jane Doe``
    _names(profile, config, author)
    bio = _get(author, "bio")
    tagline = strip_markup(bio)
    if tagline and len(tagline) <= 120 and "\n" not in tagline:
        # academicpages' bio is a one-line tagline under the name: that is the position the
        # member page shows under the name; kept as the bio as well it would be said twice.
        profile.position = tagline
    else:
        profile.bio = bio
    profile.location = _get(author, "location")
    profile.affiliation = _get(author, "employer", "affiliation", "organization")
    profile.email = _get(author, "email") or _get(config, "email")
    profile.website = _get(author, "website", "uri", "url", "homepage")
    for name, author_keys, config_keys, form in _SOCIAL:
        setattr(profile, name, _url(_get(author, *author_keys) or _get(config, *config_keys), form))
    profile.website = profile.website or ctx.site_url  # the site being imported is their homepage
    cv = _get(author, "cv") or _get(config, "cv_pdf")
    if cv and not re.match(r"^(?:[a-z]+://|/)", cv):
        cv = "/assets/pdf/" + cv  # al-folio keeps the CV among its PDFs
    profile.cv = ctx.absolute(cv) if cv else ""
    for link in author.get("links") or [] if isinstance(author.get("links"), list) else []:
        if not isinstance(link, dict):
            continue
        label = str(link.get("label") or "").lower()
        url = str(link.get("url") or "").strip()
        field = next(
            (f for f, fits in _LINK_LABELS if fits(label) and not getattr(profile, f)), None
        )
        if url and field:
            setattr(profile, field, url.removeprefix("mailto:") if field == "email" else url)
    avatar = _get(author, "avatar")
    if avatar:
        profile.avatar = avatar_figure(avatar, ctx, ("images", "assets/images", "assets/img"))
    return profile


def _names(profile: ProfileRecord, config: dict[str, Any], author: dict[str, Any]) -> None:
    """The owner's name and the other names the config gives them (nickname, scholar names)."""
    first, middle, last = (
        _get(config, "first_name"),
        _get(config, "middle_name"),
        _get(config, "last_name"),
    )
    raw_name = _get(author, "name") or " ".join(p for p in (first, middle, last) if p)
    if heading_phrase(raw_name):
        raw_name = ""  # academicpages' sidebar heading ("About Me") in the author's place
    if not raw_name:
        title = _get(config, "name", "title")
        raw_name = title if person_like(title) else ""
    if raw_name:
        profile.name = clean_person_name(raw_name)
        printed = strip_markup(raw_name)
        if printed != profile.name and (
            "(" in printed or re.match(r"(?:dr|prof|professor)\.?\s", printed, re.I)
        ):
            profile.aliases.append(printed)  # "Wei Chen (Victor)", "Dr. Ada Lovelace"
        nickname = re.search(r"\(([^()]{2,30})\)", raw_name)
        if nickname and profile.name.split():
            profile.aliases.append(f"{nickname.group(1).strip()} {profile.name.split()[-1]}")
    scholar = config.get("scholar") if isinstance(config.get("scholar"), dict) else {}
    for alias in _scholar_names(scholar):
        if not profile.name:
            profile.name = alias
        elif alias != profile.name and alias not in profile.aliases:
            profile.aliases.append(alias)


def _scholar_names(scholar: dict[str, Any]) -> list[str]:
    """al-folio's ``scholar: {first_name: [Felix, F.], last_name: [Morrow]}``: names it bolds."""

    def names(value: Any) -> list[str]:
        items = value if isinstance(value, list) else [value]
        out = [re.sub(r"[*†‡]", "", str(v)).strip() for v in items if isinstance(v, str | int)]
        return [v for v in out if v]

    combined = []
    for last in names(scholar.get("last_name")):
        for first in names(scholar.get("first_name")):
            name = f"{first} {last}"
            if name not in combined:
                combined.append(name)
    return combined
