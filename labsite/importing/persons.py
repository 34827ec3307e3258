"""One Person per human: the co-authors and collaborators an import meets.

A name printed with a profile link (a homepage, Google Scholar, ORCID, DBLP, Semantic Scholar,
GitHub) names one human: :func:`find_person` finds the Person that link or name belongs to
(:class:`~labsite.importing.identity.PeopleIndex`), and when nobody fits, creates one — a Person
with no membership, its link stored — so that the next page, the next site and the next run find
the same Person again, by the link or by a variant of the name. A name without a link is only
ever matched, never created (see :mod:`labsite.importing.load`).

:func:`link_back` links rows imported earlier, printed with the new Person's name and no link,
once that Person exists: the owner of a site imported now, or a collaborator just created.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from labsite import normalise
from labsite.importing import identity
from labsite.importing.report import PageReport
from people.models import Lab, Membership, Person
from publications import entries

#: ``Person.source_key`` of a Person the import created from a linked co-author or collaborator.
OUTSIDE_KEY = "outside"
#: ``Person.imported_values`` key of the links an import found them by (identity.py reads it).
LINKS_KEY = identity.PROFILE_LINKS_KEY


def find_person(
    people: identity.PeopleIndex,
    name: str,
    url: str = "",
    *,
    exclude: Iterable[int] = (),
    members: set[int],
    lab: Lab,
    report: PageReport,
    source_file: str,
) -> identity.PersonMatch | None:
    """The Person ``name`` (printed with ``url``) is; created when linked to a profile and new.

    ``members`` (the lab's people, see :meth:`~identity.PeopleIndex.match`) grows by the
    people created here: they are the lab's collaborators from now on.
    """
    excluded = set(exclude)
    url = (url or "").strip()
    match = people.match(name, url=url, exclude=excluded, members=members)
    by_name = match is not None and not match.reason.startswith("profile link")
    if by_name and url and people.conflicts(match.pk, url):
        match = None  # a namesake: another Scholar (ORCID, …) profile is another person
    if match is not None:
        if url:
            _learn(people, match.pk, url)
        return match
    keys = identity.profile_keys(url)
    if not keys or not looks_like_name(name):
        return None
    if any(people.by_key.get(key) is not None for key in keys):
        # The link is someone's already (the owner, or an author listed twice): not a new person.
        return None
    person = _create(people, name, url, source_file=source_file)
    members.add(person.pk)
    report.add("created", "person", f"{person.name} ({keys[0]})")
    # Its doubtful links are said at the end of the page (say_doubts_of_created), as on a re-run.
    link_back(person, lab=lab, page=report, people=people, warn=False)
    return identity.PersonMatch(person.pk, person.name, True, f"new person, {keys[0]}")


def looks_like_name(name: str) -> bool:
    """Two to six words of letters: a person's name, not a group, a sentence or an address."""
    if not name or any(ch.isdigit() for ch in name) or "@" in name or "://" in name:
        return False
    tokens = normalise.name_tokens(name)
    return 2 <= len(tokens) <= 6 and all(len(token) <= 30 for token in tokens)


def _create(people: identity.PeopleIndex, name: str, url: str, *, source_file: str) -> Person:
    field = identity.profile_field(url)
    person = Person(name=name.strip()[:200], source_file=source_file[:500], source_key=OUTSIDE_KEY)
    if field and len(url) <= Person._meta.get_field(field).max_length:
        setattr(person, field, url)
        # Written by the import: the person's own site, imported later, may replace it.
        person.imported_values = {field: url}
    else:
        person.imported_values = {LINKS_KEY: [url]}
    person.save()
    people.add(person.pk, person.name, slug=person.slug, urls=[url])
    return person


def _learn(people: identity.PeopleIndex, pk: int, url: str) -> None:
    """Remember a second link of a known person (a homepage here, a Scholar page there).

    An empty profile field of a Person nobody signs in as takes it; otherwise it is kept with
    what the import wrote, where the index finds it next run. A member's own profile fields
    are theirs: never written here.
    """
    keys = identity.profile_keys(url)
    if not keys or all(key in people.keys_of.get(pk, ()) for key in keys):
        return
    if any(people.by_key.get(key) not in (None, pk) for key in keys):
        return  # the link names someone else already
    people.add(pk, people.entries[pk].name, urls=[url])
    person = Person.objects.filter(pk=pk).only("pk", "user", "imported_values").first()
    if person is None:
        return
    field = identity.profile_field(url)
    imported = dict(person.imported_values or {})
    updates: dict[str, object] = {}
    if (
        field
        and person.user_id is None
        and len(url) <= Person._meta.get_field(field).max_length
        and not Person.objects.filter(pk=pk).exclude(**{field: ""}).exists()
    ):
        updates[field] = url
        imported[field] = url
    else:
        links = [u for u in imported.get(LINKS_KEY, []) if isinstance(u, str)]
        imported[LINKS_KEY] = [*links, url]
    Person.objects.filter(pk=pk).update(**updates, imported_values=imported)


def link_back(
    person: Person,
    *,
    lab: Lab,
    page: PageReport,
    people: identity.PeopleIndex,
    label: str | None = None,
    warn: bool = True,
) -> None:
    """Link earlier imports' unlinked author and collaborator rows that name ``person``.

    A row that names them only by an initial or a near spelling is linked only on ``lab``'s
    own papers and projects (see :meth:`identity.PeopleIndex.match`). With ``label`` (the site
    being imported), the doubtful links other sources' rows got before are said again: an
    import must not fall silent about them on its second run.
    """
    from publications.models import Authorship, Publication
    from research.models import Collaborator

    names = person.all_names()
    # Candidate rows by surname stem, as the database spells it (accents kept) and folded to
    # ASCII; compare_names then decides. The stem tolerates a dropped last letter.
    surnames = {normalise.split_name(name)[1] for name in names} - {""}
    surnames |= {name.split()[-1].lower() for name in names if name.split()}
    if not surnames:
        return
    query = models.Q()
    for surname in surnames:
        stem = surname.split()[-1]
        query |= models.Q(name__icontains=stem[: max(4, len(stem) - 2)])
    if label is not None:
        _repeat_doubts(person, names, query, label=label, page=page)
    linked_pubs = set(
        Authorship.objects.filter(person=person).values_list("publication_id", flat=True)
    )
    rows = Authorship.objects.filter(query, person__isnull=True)
    for pk, name, publication_id in rows.values_list("pk", "name", "publication_id"):
        if publication_id in linked_pubs:
            continue
        match = _best(name, names)
        if match is None or (_weak(match) and not _lab_paper(publication_id, lab)):
            continue
        Authorship.objects.filter(pk=pk).update(person=person)
        entries.mark_stale([publication_id])  # the stored list entry names its authors
        linked_pubs.add(publication_id)
        title = Publication.objects.filter(pk=publication_id).values_list("title", flat=True)[0]
        page.add("updated", "authorship", f"{name} → {person.name}: {title}")
        if warn and not match.certain:
            page.warnings.append(
                f"author {name!r} linked to {person.name!r} ({match.reason}); check it"
            )
    collaborators = Collaborator.objects.filter(query, person__isnull=True)
    rows = collaborators.values_list("pk", "name", "project__title", "project__lab_id")
    for pk, name, project_title, lab_id in rows:
        match = _best(name, names)
        if match is None or (_weak(match) and lab_id != lab.pk):
            continue
        Collaborator.objects.filter(pk=pk).update(person=person)
        page.add("updated", "collaborator", f"{name} → {person.name}: {project_title}")
        if warn and not match.certain:
            page.warnings.append(
                f"collaborator {name!r} linked to {person.name!r} ({match.reason}); check it"
            )


def say_doubts_of_created(
    people: identity.PeopleIndex, *, source_file: str, report: PageReport
) -> None:
    """At the end of a page: the doubtful links of the people this page's links created (on
    this run or an earlier one), said once per run in the same place, so that a re-import says
    the same warnings as the import that created them."""
    created = Person.objects.filter(source_key=OUTSIDE_KEY, source_file=source_file)
    for pk in created.order_by("pk").values_list("pk", flat=True):
        _say_doubts_again(people, pk, report)


def _say_doubts_again(people: identity.PeopleIndex, pk: int, report: PageReport) -> None:
    """A person an earlier run created from a link: the doubtful rows that creation linked to
    them are said again, once per run, as the run that created them said them."""
    if pk in people.doubts_said:
        return
    people.doubts_said.add(pk)
    person = Person.objects.filter(pk=pk, source_key=OUTSIDE_KEY).first()
    if person is None:
        return
    names = person.all_names()
    query = _name_query(names)
    if query is not None:
        _repeat_doubts(person, names, query, label=None, page=report)


def _name_query(names: list[str]) -> models.Q | None:
    """Rows whose name may be one of ``names``, by surname stem (compare_names then decides)."""
    surnames = {normalise.split_name(name)[1] for name in names} - {""}
    surnames |= {name.split()[-1].lower() for name in names if name.split()}
    if not surnames:
        return None
    query = models.Q()
    for surname in surnames:
        stem = surname.split()[-1]
        query |= models.Q(name__icontains=stem[: max(4, len(stem) - 2)])
    return query


def _repeat_doubts(person: Person, names, query, *, label: str | None, page: PageReport) -> None:
    """Rows of other sources linked to ``person`` before (by this import's first run, or by
    another's): a doubtful one is said again on every import, not only by the one that linked
    it."""
    from publications.models import Authorship
    from research.models import Collaborator

    linked = Authorship.objects.filter(query, person=person)
    linked_collaborators = Collaborator.objects.filter(query, person=person)
    if label is not None:  # rows of this source are the writer's to say
        linked = linked.exclude(publication__source_file__startswith=f"{label}/")
        linked_collaborators = linked_collaborators.exclude(
            project__source_file__startswith=f"{label}/"
        )
    for name in linked.order_by("pk").values_list("name", flat=True):
        match = _best(name, names)
        if match is not None and not match.certain:
            page.warnings.append(
                f"author {name!r} linked to {person.name!r} ({match.reason}); check it"
            )
    for name in linked_collaborators.order_by("pk").values_list("name", flat=True):
        match = _best(name, names)
        if match is not None and not match.certain:
            page.warnings.append(
                f"collaborator {name!r} linked to {person.name!r} ({match.reason}); check it"
            )


def _weak(match: identity.NameMatch) -> bool:
    return match.abbreviated or not match.certain


def _lab_paper(publication_id: int, lab: Lab) -> bool:
    """Whether a member of ``lab`` is an author of the paper (weak matches stay in the lab)."""
    from publications.models import Authorship

    members = Membership.objects.filter(lab=lab).values("person_id")
    return Authorship.objects.filter(publication_id=publication_id, person_id__in=members).exists()


def _best(name: str, names: list[str]) -> identity.NameMatch | None:
    results = [r for r in (identity.compare_names(name, other) for other in names) if r is not None]
    return max(results, key=lambda r: r.score) if results else None
