"""The lab and the naive page that page weight is measured with (issue 9, item 1).

- ``build_lab``: a synthetic lab written with ``bulk_create`` (seconds, not minutes), shaped like
  real publication lists: 30 members; papers of three to eight authors with ordinary names, one
  or two of them lab members; a PDF on every paper, code on every other one, a DOI on most; an
  abstract of ~600 characters. One member, the "star", has ``star_papers`` papers (all selected,
  so their homepage lists every one).
- ``naive_page``: the baseline, never a public URL — one Django template listing a member's
  papers as plain rows (title linked, authors, venue, year) with Django's usual
  ``prefetch_related``. The real member page must stay within 1.5× its bytes.

Used by ``benchmarks/bench_weight.py`` and ``tests/public/test_page_weight.py``.
"""

from __future__ import annotations

import random

from django.template import engines

NAIVE_TEMPLATE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Publications — {{ person.name }}</title></head>
<body>
<h1>{{ person.name }}</h1>
<ul>
{% for p in publications %}<li><a href="{{ p.get_absolute_url }}">{{ p.title }}</a><br>
{% for a in p.authorships.all %}{{ a.name }}{% if not forloop.last %}, {% endif %}{% endfor %}<br>
<i>{{ p.venue }}</i>, {{ p.year }}</li>
{% endfor %}</ul>
</body>
</html>
"""

#: The same rows with the rest of what an entry shows: the badge (short venue) and the links
#: (bench_http's B is written this way too).
NAIVE_LINKS_TEMPLATE = NAIVE_TEMPLATE.replace(
    "<i>{{ p.venue }}</i>, {{ p.year }}</li>",
    "<i>{{ p.venue }}</i>{% if p.short_venue %} ({{ p.short_venue }}){% endif %}, {{ p.year }}"
    '<br>\n{% for link in p.links.all %}<a href="{{ link.url }}">{{ link.get_kind_display }}</a> '
    '{% endfor %}{% if p.doi %}<a href="https://doi.org/{{ p.doi }}">DOI</a>{% endif %}</li>',
)

MEMBERS = 30
FIRST = ["Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonah"]
LAST = ["Abara", "Bergström", "Castellanos", "Dahl", "Eze", "Fontaine", "Gupta", "Halvorsen"]
OUTSIDE = [
    "Wei Zhang", "Maria Gonzalez", "Rahul Krishnan", "Sophie Laurent", "Kenji Watanabe",
    "Olga Petrova", "Samuel Okonkwo", "Lucia Romano", "Thomas Müller", "Aisha Rahman",
    "Pedro Alves", "Hannah Schmidt", "Yuki Tanaka", "Daniel Cohen", "Fatima Zahra",
]  # fmt: skip
WORDS = [
    "calibrated",
    "federated",
    "sparse",
    "robust",
    "bayesian",
    "learning",
    "networks",
    "adaptive",
    "efficient",
    "private",
    "graph",
    "transformers",
    "shift",
    "uncertainty",
    "ensembles",
    "optimization",
    "vision",
    "language",
    "models",
    "decentralized",
    "inference",
    "attention",
    "generalization",
    "benchmarks",
    "scalable",
]
VENUES = [
    ("NeurIPS", "Advances in Neural Information Processing Systems", "conference"),
    ("ICML", "International Conference on Machine Learning", "conference"),
    ("JMLR", "Journal of Machine Learning Research", "journal"),
    ("ICLR", "International Conference on Learning Representations", "conference"),
    ("", "arXiv preprint", "preprint"),
]
ABSTRACT = (
    "We study **{w1}** methods for {w2} learning under distribution shift, with guarantees that "
    "hold for every bounded loss. Our analysis shows that *{w3}* estimators reach the minimax "
    "rate up to logarithmic factors, and that the usual tuning heuristics are unnecessary once "
    "the step size follows the schedule we derive. Experiments on "
    "[standard benchmarks](https://example.org/bench) confirm it: accuracy within one point of "
    "the best tuned baseline at a tenth of the compute.\n\nCode is at "
    "<https://github.com/example/{w1}>."
)


def build_lab(*, host: str, papers: int, star_papers: int = 200, refresh: bool = True) -> dict:
    """The lab described in the module docstring. ``refresh``: build the stored list entries
    now, as the importer's bulk paths do (else the pages build them when first shown).

    Returns ``{"lab", "star", "people"}``.
    """
    from django.contrib.sites.models import Site
    from django.utils.html import escape
    from django.utils.text import slugify

    from labsite.markdown import render_markdown
    from people.models import Lab, Membership, Person
    from publications.models import Authorship, Publication, PublicationLink

    rng = random.Random(9)
    site, _ = Site.objects.get_or_create(domain=host, defaults={"name": host})
    lab = Lab.objects.create(site=site, slug="weight", name="Weight Lab", is_default=True)
    names = [f"{FIRST[i % 10]} {LAST[(i // 10 + i) % 8]}" for i in range(MEMBERS)]
    people = Person.objects.bulk_create([Person(name=n, slug=slugify(n)) for n in names])
    Membership.objects.bulk_create([Membership(person=p, lab=lab, role="phd") for p in people])
    abstracts: dict[tuple[str, ...], tuple[str, str]] = {}
    rows = []
    for j in range(papers):
        short, venue, kind = VENUES[j % len(VENUES)]
        words = rng.sample(WORDS, 9)
        key = tuple(words[:3])
        if key not in abstracts and len(abstracts) < 50:
            text = ABSTRACT.format(w1=words[0], w2=words[1], w3=words[2])
            abstracts[key] = (text, render_markdown(text))
        abstract, abstract_html = abstracts.get(key) or next(iter(abstracts.values()))
        title = " ".join(words[: 6 + j % 4]).capitalize() + f" ({j})"
        rows.append(
            Publication(
                title=title,
                title_html=escape(title),
                kind=kind,
                venue=venue,
                short_venue=short,
                year=2026 - j % 14,
                month=1 + j % 12,
                pages=f"{j}--{j + 12}",
                doi=f"10.5555/wl.{j}" if j % 5 else "",
                arxiv_id=f"2401.{j:05d}",
                abstract=abstract,
                abstract_html=abstract_html,
                award="Best Paper Award" if j % 50 == 0 else "",
            )
        )
    publications = Publication.objects.bulk_create(rows, batch_size=500)
    star = people[0]
    authorships, links = [], []
    for j, publication in enumerate(publications):
        others = [people[1 + (j * 7) % (MEMBERS - 1)]]
        if j % 4 == 0:
            others.append(people[1 + (j * 13 + 5) % (MEMBERS - 1)])
        members = list(dict.fromkeys(([star] if j < star_papers else []) + others))
        outside = [OUTSIDE[(j + k * 4) % len(OUTSIDE)] for k in range(1 + j % 5)]
        authors = [(m, m.name) for m in members] + [(None, name) for name in outside]
        if j % 3 == 0:  # the star first on two papers in three, elsewhere in the others
            rest = authors[1:]
            rng.shuffle(rest)
            authors = [authors[0], *rest] if rng.random() < 0.5 else [*rest, authors[0]]
        for position, (person, name) in enumerate(authors):
            authorships.append(
                Authorship(
                    publication=publication,
                    person=person,
                    name=name,
                    position=position,
                    selected=person is star,
                    equal_contribution=position < 2 and j % 5 == 0,
                )
            )
        links.append(
            PublicationLink(
                publication=publication, kind="pdf", url=f"https://arxiv.org/pdf/2401.{j:05d}"
            )
        )
        if j % 2:
            links.append(
                PublicationLink(
                    publication=publication, kind="code", url=f"https://github.com/wl/p{j}"
                )
            )
    Authorship.objects.bulk_create(authorships, batch_size=1000)
    PublicationLink.objects.bulk_create(links, batch_size=1000)
    if refresh:
        try:  # absent from releases before stored entries (bench_weight.py --repo main)
            from publications.entries import refresh_entries
        except ImportError:
            pass
        else:
            refresh_entries([p.pk for p in publications])
    return {"lab": lab, "star": star, "people": people}


def naive_publications(person, *, links: bool = False) -> list:
    from publications.models import Publication

    related = ["authorships", "links"] if links else ["authorships"]
    return list(
        Publication.objects.for_person(person)
        .prefetch_related(*related)
        .order_by("-year", "order", "-pk")
    )


def naive_page(person, *, links: bool = False) -> str:
    """The naive page's HTML for ``person``'s publications (not the hidden ones): title,
    authors, venue and year; with ``links``, also the short venue and every link."""
    template = engines["django"].from_string(NAIVE_LINKS_TEMPLATE if links else NAIVE_TEMPLATE)
    publications = naive_publications(person, links=links)
    return template.render({"person": person, "publications": publications})
