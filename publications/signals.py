"""Keep each publication's stored list entry fresh (publications/entries.py).

Infrastructure, like the page cache's receivers (labsite/cache.py): connected once in
``PublicationsConfig.ready``. What an entry shows comes from the paper, its authorships (name,
marks, person) and links, and each linked author's page path (the person's slug); a save or
delete of any of them rebuilds the entries concerned. Bulk writes send no signal: their callers
use ``entries.mark_stale`` (see that module).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from publications import entries

#: Person fields an entry shows (the slug makes the path of their page).
PERSON_FIELDS = ("name", "slug")


def publication_saved(sender, instance, raw=False, update_fields=None, **kwargs: Any) -> None:
    if raw or (update_fields is not None and set(update_fields) <= {"entry_parts"}):
        return
    entries.mark_stale([instance.pk])


#: Papers being deleted (their authorships and links go first: nothing to rebuild).
_deleting: set[int] = set()


def publication_deleting(sender, instance, **kwargs: Any) -> None:
    _deleting.add(instance.pk)


def publication_deleted(sender, instance, **kwargs: Any) -> None:
    _deleting.discard(instance.pk)


def part_changed(sender, instance, raw=False, **kwargs: Any) -> None:
    """An authorship or a link was saved or deleted."""
    if raw or instance.publication_id in _deleting:
        return
    entries.mark_stale([instance.publication_id])


def _publications_of(person) -> set[int]:
    from publications.models import Authorship

    return set(Authorship.objects.filter(person=person).values_list("publication", flat=True))


def person_saving(sender, instance, raw=False, **kwargs: Any) -> None:
    if raw or instance.pk is None or instance._state.adding:
        return
    before = type(instance)._base_manager.filter(pk=instance.pk).values(*PERSON_FIELDS).first()
    instance._entry_fields_before = before


def person_saved(sender, instance, raw=False, created=False, **kwargs: Any) -> None:
    before = getattr(instance, "_entry_fields_before", None)
    instance._entry_fields_before = None
    if raw or created or before is None:
        return
    if any(before[name] != getattr(instance, name) for name in PERSON_FIELDS):
        entries.mark_stale(_publications_of(instance))


def person_deleting(sender, instance, **kwargs: Any) -> None:
    # Their authorships keep the printed name but lose the person (SET_NULL, done by an UPDATE
    # that sends no signal): remember the papers now, rebuild them once the person is gone.
    instance._entry_publications = _publications_of(instance)


def person_deleted(sender, instance, **kwargs: Any) -> None:
    entries.mark_stale(getattr(instance, "_entry_publications", ()))


def connect() -> None:
    from people.models import Person
    from publications.models import Authorship, Publication, PublicationLink

    post_save.connect(publication_saved, sender=Publication, dispatch_uid="entry-publication")
    pre_delete.connect(publication_deleting, sender=Publication, dispatch_uid="entry-pub-del")
    post_delete.connect(publication_deleted, sender=Publication, dispatch_uid="entry-pub-del")
    for model in (Authorship, PublicationLink):
        for signal in (post_save, post_delete):
            signal.connect(part_changed, sender=model, dispatch_uid=f"entry-{model.__name__}")
    pre_save.connect(person_saving, sender=Person, dispatch_uid="entry-person-pre")
    post_save.connect(person_saved, sender=Person, dispatch_uid="entry-person-post")
    pre_delete.connect(person_deleting, sender=Person, dispatch_uid="entry-person-pre-delete")
    post_delete.connect(person_deleted, sender=Person, dispatch_uid="entry-person-delete")
