"""Stored XSS, as a visitor's Chromium sees it: every vector of tests/security/xss_vectors.py,
bare and after ordinary text, in every text and markdown field a member can edit, entered
through the real admin forms (as alice) and through ``import_pages``; then every public page
type is loaded with a dialog hook and an init script that records ``alert``/``confirm``/
``prompt``/``print`` calls and ``window.__xss_N`` markers, and the DOM is scanned after load.

Nothing may run, and the DOM may hold no ``on*`` attribute, no ``javascript:``/``data:``/
``vbscript:`` URL, no frame/object/embed/base/form/meta refresh, and no script but the site's
own (same-origin static files, the inline theme switch, JSON-LD).
"""

from __future__ import annotations

import datetime
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from people.models import Honor, NewsItem, Person, ProfileSection, SectionKind, Talk, Teaching
from publications import entries
from publications.models import Publication, PublicationLink
from research.models import Collaborator, Figure, Project
from tests import factories as f
from tests.browser.conftest import png
from tests.security.xss_vectors import VECTORS, variants
from tests.test_admin_permissions import admin_url, form_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.browser.urls"),
    pytest.mark.django_db(transaction=True),
]

#: Every vector bare and after text, numbered like the corpus ("12" bare, "12+" after text).
TEXTS: list[tuple[str, str]] = [
    (f"{v.number}{'' if i == 0 else '+'}", text)
    for v in VECTORS
    for i, text in enumerate(variants(v))
]

RECORDER = """
(() => {
  const calls = [];
  Object.defineProperty(window, "__xss_calls", {value: calls});
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = function (arg) { calls.push(name + "(" + String(arg) + ")"); };
  }
})();
"""

# After load: what ran, and what in the DOM could run later (a click, a hover, a focus).
SCAN = r"""
(theme) => {
  const problems = [];
  const origin = location.origin;
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "poster", "data",
                    "background", "srcdoc"];
  // (Buttons and the filter form are the site's own; a form posting anywhere but here is not.)
  const banned = ["IFRAME", "FRAME", "FRAMESET", "OBJECT", "EMBED", "APPLET", "BASE",
                  "FOREIGNOBJECT", "ANIMATE", "SET", "MATH", "NOSCRIPT", "MARQUEE", "ISINDEX"];
  for (const form of document.querySelectorAll("form[action]")) {
    if (!new URL(form.getAttribute("action"), location.href).href.startsWith(origin + "/")) {
      problems.push("<form action=" + form.getAttribute("action").slice(0, 40) + ">");
    }
  }
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toUpperCase();
    if (banned.includes(tag)) problems.push("<" + tag.toLowerCase() + ">");
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) problems.push("<" + tag.toLowerCase() + " " + name + ">");
      if (name === "srcdoc" || name === "formaction" || name === "http-equiv") {
        problems.push("<" + tag.toLowerCase() + " " + name + ">");
      }
      if (urlAttrs.includes(name)) {
        const value = attr.value.replace(/^[\x00-\x20]+/, "").replace(/[\t\n\r]/g, "");
        if (/^(javascript|data|vbscript):/i.test(value)) {
          problems.push("<" + tag.toLowerCase() + " " + name + "=" + attr.value.slice(0, 40) + ">");
        }
      }
      if (name === "style" && /expression|url\s*\(|binding|behavio/i.test(attr.value)) {
        problems.push("<" + tag.toLowerCase() + " style=" + attr.value.slice(0, 40) + ">");
      }
    }
  }
  for (const s of document.querySelectorAll("script")) {
    const src = s.getAttribute("src");
    const type = s.getAttribute("type");
    if (src !== null) {
      if (!new URL(src, location.href).href.startsWith(origin + "/static/")) {
        problems.push("script src=" + src.slice(0, 60));
      }
    } else if (type === "application/ld+json") {
      try { JSON.parse(s.textContent); } catch (e) { problems.push("JSON-LD that does not parse"); }
    } else if (s.textContent !== theme) {
      problems.push("inline script: " + s.textContent.slice(0, 60));
    }
  }
  const markers = Object.getOwnPropertyNames(window).filter(k => k.startsWith("__xss_") &&
                                                               k !== "__xss_calls");
  return {problems, calls: window.__xss_calls.slice(), markers,
          elements: document.querySelectorAll("*").length};
}
"""

THEME_SCRIPT = (
    'try{var t=localStorage.getItem("theme");if(t==="dark"||t==="light")'
    'document.documentElement.setAttribute("data-theme",t)}catch(e){}'
)


@dataclass
class Findings:
    pages: int = 0
    executed: list[str] = field(default_factory=list)  # "path: alert(12)"
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    not_rendered: list[str] = field(default_factory=list)  # downloads (.bib): never parsed

    def fired(self) -> set[str]:
        """The corpus numbers seen running: ``alert(12)`` → ``12``."""
        found = set()
        for call in self.executed + self.dialogs:
            found.update(re.findall(r"\d+", call.split(": ", 1)[-1])[:1])
        return found


def scan(browser, base_url: str, paths: list[str]) -> Findings:
    """Load every path in one Chromium context; collect executions and DOM problems."""
    findings = Findings()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORDER)
    # Images are refused, not fetched: fast (no 404 for every ``src=x``), and a refused image
    # fires ``error``, so an ``onerror`` handler that survived would run.
    context.route(
        re.compile(r".*"),
        lambda route: (
            route.abort()
            if route.request.resource_type in {"image", "media"}
            else route.continue_()
        ),
    )
    page = context.new_page()
    current = {"path": ""}

    def on_dialog(dialog) -> None:
        findings.dialogs.append(f"{current['path']}: {dialog.type}({dialog.message})")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        for path in paths:
            current["path"] = path
            try:
                response = page.goto(base_url + path, wait_until="load")
            except Exception as exc:  # Chromium downloads what it does not render (.bib)
                if "Download is starting" in str(exc):
                    findings.not_rendered.append(path)
                    findings.pages += 1
                    continue
                raise
            assert response is not None and response.status == 200, (path, response)
            result = page.evaluate(SCAN, THEME_SCRIPT)
            findings.pages += 1
            findings.executed += [f"{path}: {c}" for c in result["calls"]]
            findings.executed += [f"{path}: {m}" for m in result["markers"]]
            if "html" in (response.headers.get("content-type") or ""):
                findings.problems += [f"{path}: {p}" for p in result["problems"]]
    finally:
        context.close()
    return findings


def report(label: str, findings: Findings, **counts: int) -> str:
    numbers = sorted(findings.fired(), key=int)
    text = (
        f"[xss {label}] "
        + ", ".join(f"{k}={v}" for k, v in counts.items())
        + f", pages={findings.pages}, executed={len(findings.executed) + len(findings.dialogs)}"
        + f" (vectors {', '.join(numbers) or 'none'}), dom_problems={len(findings.problems)}"
    )
    print(text)
    return text


# -- the admin, as alice --------------------------------------------------------------------


def _clip(model, name: str, text: str) -> str:
    limit = model._meta.get_field(name).max_length
    return text[:limit] if limit else text


def add_row(data: dict, prefix: str, values: dict) -> None:
    """What "Add another" does: one more inline form with ``values``."""
    index = int(data[f"{prefix}-TOTAL_FORMS"][0])
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]


def post(client: Client, url: str, data: dict) -> None:
    response = client.post(url, data)
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())
    assert (response.status_code, errors) == (302, []), url


def vector(number: int) -> str:
    return VECTORS[number - 1].payload


def through_admin(client: Client, person: Person) -> dict[str, str]:
    """One real admin POST per model, each text field holding a different bare vector.

    Returns ``{"Model.field": payload}`` for what was entered, checked against the database.
    """
    entered: dict[str, str] = {}
    # Person (own profile, its change form) with a profile section and a news item added inline.
    url = admin_url(Person, "change", person)
    data = form_data(client, url, Person)
    values = {"position": vector(10), "affiliation": vector(32), "bio": vector(1)}
    data.update({k: [v] for k, v in values.items()})
    data["aliases"] = [vector(97)]
    add_row(
        data,
        "sections",
        {
            "order": "50",
            "kind": "prose",
            "title": vector(40),
            "body": vector(41),
            "is_visible": "on",
        },
    )  # noqa: E501
    add_row(data, "news", {"date": "2024-05-01", "date_precision": "day", "text": vector(21)})
    post(client, url, data)
    entered.update({f"Person.{k}": v for k, v in values.items()})
    person.refresh_from_db()
    assert [person.position, person.affiliation, person.bio, person.aliases] == [
        vector(10),
        vector(32),
        vector(1),
        [vector(97)],
    ]
    section = ProfileSection.objects.get(person=person, order=50)
    assert [section.title, section.body] == [vector(40), vector(41)]
    assert NewsItem.objects.get(person=person, date=datetime.date(2024, 5, 1)).text == vector(21)
    entered |= {"ProfileSection.title": vector(40), "ProfileSection.body": vector(41)}
    entered["NewsItem.text"] = vector(21)

    for model, fields in [
        (Honor, {"title": vector(2), "detail": vector(33)}),
        (
            Talk,
            {
                "title": vector(3),
                "event": vector(42),
                "location": vector(11),
                "description": vector(73),
            },
        ),  # noqa: E501
        (
            Teaching,
            {
                "course": vector(4),
                "role": vector(27),
                "institution": vector(64),
                "term": vector(22),
            },
        ),  # noqa: E501
        (NewsItem, {"text": vector(74), "date": "2024-04-01", "date_precision": "day"}),
        (ProfileSection, {"title": vector(79), "body": vector(87), "kind": "prose", "order": "60"}),
    ]:
        url = admin_url(model, "add")
        data = form_data(client, url, model)
        data.update({k: [v] for k, v in fields.items()})
        data["person"] = [str(person.pk)]
        post(client, url, data)
        obj = model.objects.filter(person=person).latest("pk")
        for name, value in fields.items():
            if name in {"date", "date_precision", "kind", "order"}:
                continue
            assert getattr(obj, name) == value, (model, name)
            entered[f"{model.__name__}.{name}"] = value

    # A publication with its authors and a link.
    url = admin_url(Publication, "add")
    data = form_data(client, url, Publication)
    fields = {
        "title": vector(1), "venue": vector(15), "short_venue": vector(10), "abstract": vector(41),
        "award": vector(32), "note": vector(95), "bibtex": vector(99), "year": "2024",
    }  # fmt: skip
    data.update({k: [v] for k, v in fields.items()})
    add_row(data, "authorships", {"position": "0", "name": vector(96), "person": str(person.pk)})
    add_row(data, "authorships", {"position": "1", "name": vector(100)})
    add_row(
        data,
        "links",
        {"kind": "paper", "url": "https://example.org/p", "label": vector(11), "order": "0"},
    )  # noqa: E501
    post(client, url, data)
    publication = Publication.objects.latest("pk")
    assert [getattr(publication, k) for k in fields if k != "year"] == [
        v for k, v in fields.items() if k != "year"
    ]
    assert sorted(publication.authorships.values_list("name", flat=True)) == sorted(
        [vector(96), vector(100)]
    )
    assert publication.links.get().label == vector(11)
    entered |= {f"Publication.{k}": v for k, v in fields.items() if k != "year"}
    entered |= {"Authorship.name": vector(96), "PublicationLink.label": vector(11)}

    # A project with a collaborator and a figure.
    url = admin_url(Project, "add")
    data = form_data(client, url, Project)
    fields = {"title": vector(33), "summary": vector(1), "body": vector(39), "slug": "admin-xss"}
    data.update({k: [v] for k, v in fields.items()})
    data["owner"] = [str(person.pk)]
    add_row(data, "collaborators", {"order": "0", "name": vector(96)})
    add_row(data, "figures", {
        "order": "0", "image": png(120, 80, (20, 60, 90), label="fig"), "alt_text": vector(98),
        "caption": vector(10), "display_width": "",
    })  # fmt: skip
    post(client, url, data)
    project = Project.objects.get(slug="admin-xss")
    assert [project.title, project.summary, project.body] == [vector(33), vector(1), vector(39)]
    assert project.collaborators.get().name == vector(96)
    assert [(x.alt_text, x.caption) for x in project.figures.all()] == [(vector(98), vector(10))]
    entered |= {
        "Project.title": vector(33),
        "Project.summary": vector(1),
        "Project.body": vector(39),
    }  # noqa: E501
    entered |= {
        "Collaborator.name": vector(96),
        "Figure.alt_text": vector(98),
        "Figure.caption": vector(10),
    }  # noqa: E501
    return entered


#: Every field a member can edit, as the factories below fill them (the admin POST above has
#: the same effect: it saves the same model with the same values).
FIELDS = {
    Person: ["name", "position", "affiliation", "bio", "aliases"],
    ProfileSection: ["title", "body"],
    NewsItem: ["text"],
    Honor: ["title", "detail"],
    Talk: ["title", "event", "location", "description"],
    Teaching: ["course", "role", "institution", "term"],
    Publication: ["title", "venue", "short_venue", "abstract", "award", "note", "bibtex"],
    "Authorship": ["name"],
    PublicationLink: ["label"],
    Project: ["title", "summary", "body"],
    Collaborator: ["name"],
    Figure: ["alt_text", "caption"],
}


def with_factories(lab, alice: Person) -> dict[str, list[str]]:
    """Every text of TEXTS in every field of FIELDS; returns the paths to load."""
    tags = {"people": [], "publications": [], "projects": []}
    kinds = [SectionKind.NEWS, SectionKind.PUBLICATIONS, SectionKind.PROJECTS,
             SectionKind.HONORS, SectionKind.TALKS, SectionKind.TEACHING]  # fmt: skip
    for order, kind in enumerate(kinds):
        f.ProfileSectionFactory(person=alice, kind=kind, title=TEXTS[order][1], order=order)
    image = png(60, 40, (90, 30, 30), label="x").read()
    for index, (_label, text) in enumerate(TEXTS):
        clip = lambda model, name, t=text: _clip(model, name, t)  # noqa: E731
        person = f.PersonFactory(
            name=clip(Person, "name"),
            position=clip(Person, "position"),
            affiliation=clip(Person, "affiliation"),
            bio=text,
            aliases=[text],
        )
        f.MembershipFactory(person=person, lab=lab, order=10 + index)
        tags["people"].append(person.get_absolute_url())
        f.ProfileSectionFactory(
            person=alice, kind=SectionKind.PROSE, title=clip(ProfileSection, "title"), body=text,
            order=100 + index,
        )  # fmt: skip
        f.NewsItemFactory(person=alice, text=text, date=datetime.date(2020, 1, 1))
        f.HonorFactory(person=alice, title=text, detail=text, order=index)
        f.TalkFactory(
            person=alice, title=text, event=text, location=clip(Talk, "location"),
            description=text,
        )  # fmt: skip
        f.TeachingFactory(
            person=alice, course=text, role=clip(Teaching, "role"),
            institution=clip(Teaching, "institution"), term=clip(Teaching, "term"), order=index,
        )  # fmt: skip
        publication = f.PublicationFactory(
            title=text, venue=text, short_venue=clip(Publication, "short_venue"), abstract=text,
            award=clip(Publication, "award"), note=clip(Publication, "note"), bibtex=text,
            year=2000 + index % 25,
        )  # fmt: skip
        f.AuthorshipFactory(publication=publication, person=alice, name=alice.name, position=0,
                            selected=True)  # fmt: skip
        f.AuthorshipFactory(publication=publication, person=None, name=text, position=1)
        f.PublicationLinkFactory(publication=publication, label=clip(PublicationLink, "label"))
        tags["publications"].append(publication.get_absolute_url())
        project = f.ProjectFactory(
            lab=lab, owner=alice, title=clip(Project, "title"), summary=text, body=text,
            is_featured=index < 6, order=index,
        )  # fmt: skip
        f.CollaboratorFactory(project=project, person=None, name=clip(Collaborator, "name"))
        f.CollaboratorFactory(project=project, person=person, name=clip(Collaborator, "name"))
        f.FigureFactory(
            project=project,
            image=_tiny_png(image, index),
            alt_text=clip(Figure, "alt_text"),
            caption=clip(Figure, "caption"),
        )
        project.publications.add(publication)
        tags["projects"].append(project.get_absolute_url())
    return tags


def _tiny_png(data: bytes, index: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"f{index}.png", data, content_type="image/png")


def public_paths(person: Person, extra: dict[str, list[str]]) -> list[str]:
    slug = person.slug
    paths = [
        "/",
        "/people/",
        f"/people/{slug}/",
        f"/people/{slug}/publications/",
        "/research/",
        "/publications/",
        "/news/",
        "/news/?page=2",
        "/feeds/news.xml",
        f"/people/{slug}/feed.xml",
        "/sitemap.xml",
        "/publications.bib",
        f"/people/{slug}/publications.bib",
    ]
    for group in ("people", "publications", "projects"):
        paths += [p for i, p in enumerate(extra.get(group, [])) if i in DETAIL_SAMPLE]
    return paths


# Every text is on the list pages and alice's page (sections, news, honors, talks, teaching,
# publications with abstract and BibTeX, project cards). A detail page shows one object's fields
# through the same templates and filters, so a sample of details is loaded (the browser part
# must stay short): every JSON-LD and attribute breakout, and every 24th text.
DETAIL_SAMPLE = frozenset(
    i
    for i, (label, _text) in enumerate(TEXTS)
    if i % 24 == 0 or VECTORS[int(label.rstrip("+")) - 1].family in {"jsonld", "attribute"}
)


def test_vectors_entered_by_a_member_never_run(browser, live_server, settings, alice):
    settings.LABSITE_PAGE_CACHE = False
    started = time.monotonic()
    client = Client()
    client.force_login(alice.user)
    entered = through_admin(client, alice.person)
    lab = alice.person.memberships.get().lab
    # One transaction and one rebuild of the stored entries for the 3,700 rows, as an import
    # writes them (a bump and a rebuild per row in autocommit was half of this test's time).
    with transaction.atomic(), entries.batch():
        extra = with_factories(lab, alice.person)
    alice.person.refresh_from_db()
    paths = public_paths(alice.person, extra)
    built = time.monotonic()
    findings = scan(browser, live_server.url, paths)
    fields = sum(len(v) for v in FIELDS.values())
    print(
        f"[xss admin] admin POSTs: {len(entered)} fields; factories: {len(TEXTS)} texts × "
        f"{fields} fields; build {built - started:.1f}s, browser {time.monotonic() - built:.1f}s"
    )
    report(
        "admin",
        findings,
        vectors=len(VECTORS),
        texts=len(TEXTS),
        fields=fields,
        admin_fields=len(entered),
    )
    assert (findings.executed, findings.dialogs, findings.problems) == ([], [], [])
    assert findings.pages == len(paths)


# -- import_pages ---------------------------------------------------------------------------


def _yaml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are YAML strings


def write_site(root: Path) -> dict[str, int]:
    """A small academicpages-style Jekyll site whose every text slot holds vectors."""
    (root / "_config.yml").write_text(
        'title: "Vera Vector"\nauthor:\n  name: "Vera Vector"\n', encoding="utf-8"
    )
    pages = root / "_pages"
    pages.mkdir()
    pubs = root / "_publications"
    pubs.mkdir()
    counts = {"publications": 0, "news": 0, "bib": 0, "prose": 0}
    news, prose, listed = [], [], []
    for _number, text in TEXTS:
        one_line = text.replace("\n", " ")
        news.append(f"- *Jan 2021*: {one_line}")
        prose.append(text)
        listed.append(
            f"- **{one_line}**  \n  <u>Vera Vector</u>, Omar Outside  \n  Journal {one_line}, 2021"
        )
        counts["news"] += 1
        counts["prose"] += 1
    about = "\n".join(
        [
            "---",
            "title: " + _yaml("Vera Vector"),
            "permalink: /",
            "---",
            "",
            "## About",
            "",
            "\n\n".join(prose),
            "",
            "## News",
            "",
            "\n".join(news),
            "",
            "## Publications",
            "",
            "\n".join(listed),
            "",
        ]
    )
    (pages / "about.md").write_text(about, encoding="utf-8")
    for index, (_number, text) in enumerate(TEXTS):
        one_line = text.replace("\n", " ")
        (pubs / f"2022-01-{index:03d}-paper.md").write_text(
            "\n".join(
                [
                    "---",
                    "title: " + _yaml(one_line),
                    "collection: publications",
                    "venue: " + _yaml(one_line),
                    "excerpt: " + _yaml(one_line),
                    f"date: 2022-01-{1 + index % 28:02d}",
                    "citation: " + _yaml(f"Vector, V. (2022). {one_line}. Journal."),
                    "---",
                    "",
                    text,
                    "",
                ]
            ),
            encoding="utf-8",
        )
        counts["publications"] += 1
    bib = root / "_bibliography"
    bib.mkdir()
    entries = []
    for index, (number, text) in enumerate(TEXTS):
        safe = text.replace("{", "(").replace("}", ")").replace("\n", " ")
        entries.append(
            f"@article{{vec{index},\n  title = {{Bib {safe}}},\n  author = {{Vector, Vera}},\n"
            f"  journal = {{{safe}}},\n  abstract = {{{safe}}},\n"
            f"  url = {{javascript:alert({number.rstrip('+')})}},\n  year = {{2019}}\n}}\n"
        )
        counts["bib"] += 1
    (bib / "papers.bib").write_text("\n".join(entries), encoding="utf-8")
    return counts


def test_vectors_in_imported_pages_never_run(browser, live_server, settings, lab_a, tmp_path):
    settings.LABSITE_PAGE_CACHE = False
    site = tmp_path / "site"
    site.mkdir()
    counts = write_site(site)
    started = time.monotonic()
    call_command("import_pages", str(site), "--lab", lab_a.slug, "--person", "Vera Vector")
    person = Person.objects.get(name="Vera Vector")
    publications = list(
        Publication.objects.filter(authorships__person=person).order_by("pk").distinct()
    )
    assert len(publications) >= len(VECTORS)  # equal titles after markup removal merge
    # Entity-encoded markup in a title shows as that text, never as a tag or an empty title.
    paths = public_paths(person, {"publications": [p.get_absolute_url() for p in publications]})
    paths.remove("/news/?page=2")  # one page of news here
    built = time.monotonic()
    findings = scan(browser, live_server.url, paths)
    print(
        f"[xss import] {counts}; {len(publications)} publications imported; "
        f"import {built - started:.1f}s, browser {time.monotonic() - built:.1f}s"
    )
    report("import", findings, vectors=len(VECTORS), texts=len(TEXTS))
    assert (findings.executed, findings.dialogs, findings.problems) == ([], [], [])
    # Entity-encoded markup in a title shows as that text, never as a tag or an empty title.
    [encoded] = [v for v in VECTORS if v.payload.startswith("&lt;script&gt;")]
    shown = f"&lt;script&gt;alert({encoded.number})&lt;/script&gt;"
    assert [p.title_html for p in publications if p.title_html == shown] == [shown]
