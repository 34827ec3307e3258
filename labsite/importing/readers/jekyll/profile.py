"""The site owner as a Jekyll ``_config.yml`` describes them (academicpages, al-folio, minima)."""

from __future__ import annotations

import re
from typing import Any

from labsite.importing.extract.common import Context, strip_markup
from labsite.importing.extract.page import clean_person_name, person_like
from labsite.importing.readers.files import avatar_figure
from labsite.importing.records import ProfileRecord


def _url(value: str, template: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if re.match(r"^https?://", value):
        return value
    return template.format(value.strip("@/ "))


def profile_from_config(config: dict[str, Any], ctx: Context) -> ProfileRecord:
    """The site owner as ``_config.yml`` describes them (academicpages or al-folio)."""
    profile = ProfileRecord()
    author = config.get("author") if isinstance(config.get("author"), dict) else {}
    if isinstance(config.get("author"), str):
        author = {"name": config["author"]}  # minima and friends: ``author: Jane Doe``

    def get(source: dict[str, Any], *keys: str) -> str:
        for key in keys:
            value = source.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                return str(value).strip()
        return ""

    first, middle, last = (
        get(config, "first_name"),
        get(config, "middle_name"),
        get(config, "last_name"),
    )
    raw_name = get(author, "name") or " ".join(p for p in (first, middle, last) if p)
    if not raw_name:
        title = get(config, "name", "title")
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
    bio = get(author, "bio")
    tagline = strip_markup(bio)
    if tagline and len(tagline) <= 120 and "\n" not in tagline:
        # academicpages' bio is a one-line tagline under the name: that is the position the
        # member page shows under the name; kept as the bio as well it would be said twice.
        profile.position = tagline
    else:
        profile.bio = bio
    profile.location = get(author, "location")
    profile.affiliation = get(author, "employer", "affiliation", "organization")
    profile.email = get(author, "email") or get(config, "email")
    profile.website = get(author, "website", "uri", "url", "homepage")
    profile.google_scholar = _url(
        get(author, "googlescholar", "google_scholar", "scholar") or get(config, "scholar_userid"),
        "https://scholar.google.com/citations?user={}",
    )
    profile.github = _url(
        get(author, "github") or get(config, "github_username"), "https://github.com/{}"
    )
    profile.orcid = _url(get(author, "orcid") or get(config, "orcid_id"), "https://orcid.org/{}")
    profile.linkedin = _url(
        get(author, "linkedin") or get(config, "linkedin_username"),
        "https://www.linkedin.com/in/{}",
    )
    profile.twitter = _url(
        get(author, "twitter", "x") or get(config, "x_username", "twitter_username"),
        "https://twitter.com/{}",
    )
    profile.website = profile.website or ctx.site_url  # the site being imported is their homepage
    cv = get(author, "cv") or get(config, "cv_pdf")
    if cv and not re.match(r"^(?:[a-z]+://|/)", cv):
        cv = "/assets/pdf/" + cv  # al-folio keeps the CV among its PDFs
    profile.cv = ctx.absolute(cv) if cv else ""
    for link in author.get("links") or [] if isinstance(author.get("links"), list) else []:
        if not isinstance(link, dict):
            continue
        label = str(link.get("label") or "").lower()
        url = str(link.get("url") or "").strip()
        if not url:
            continue
        if "scholar" in label and not profile.google_scholar:
            profile.google_scholar = url
        elif "github" in label and not profile.github:
            profile.github = url
        elif "linkedin" in label and not profile.linkedin:
            profile.linkedin = url
        elif ("twitter" in label or label == "x") and not profile.twitter:
            profile.twitter = url
        elif "orcid" in label and not profile.orcid:
            profile.orcid = url
        elif "email" in label and not profile.email:
            profile.email = url.removeprefix("mailto:")
        elif label in ("website", "homepage") and not profile.website:
            profile.website = url
    avatar = get(author, "avatar")
    if avatar:
        profile.avatar = avatar_figure(avatar, ctx, ("images", "assets/images", "assets/img"))
    return profile


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
