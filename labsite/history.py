"""History (django-reversion) for writes made outside the admin's change forms.

The admin records a version on every save. ``import_pages`` and ``import_lab`` write with bulk
inserts and queryset updates, which send no signals, so reversion hears nothing of them: a page
imported over a member's edits would leave no trace to restore. After such a run,
:func:`record_changes` adds one revision holding every object the run created or changed —
people, publications and projects (with the rows they carry: sections, news, honors,
memberships; authors and links; collaborators and figures), talks and teaching — so that the
admin's history shows "Imported by import_pages" and "restore this version" works on what came
before the import.

Objects the run did not change get no new version: the newest stored version is compared with
the object as it is, leaving out the ``updated`` stamp that every save moves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from django.core import serializers
from django.db.models import Model
from reversion.models import Version
from reversion.revisions import add_to_revision, create_revision, set_comment, set_user

#: Fields every save changes: a version that differs only there records nothing new.
_STAMPS = frozenset({"updated"})


def _fields(serialized: str) -> dict:
    data = json.loads(serialized)
    return {k: v for k, v in data[0]["fields"].items() if k not in _STAMPS} if data else {}


def _unchanged(obj: Model) -> bool:
    latest = Version.objects.get_for_object(obj).first()
    if latest is None:
        return False
    if latest.format != "json":
        return False
    current = serializers.serialize("json", [obj])
    return _fields(latest.serialized_data) == _fields(current)


def changed_objects(lab_pks: Iterable[int], since: datetime | None) -> list[Model]:
    """The top-level objects of the labs ``lab_pks`` created or changed since ``since``
    (all of them when ``since`` is None: a lab restored from a backup keeps its stamps).

    People, publications and projects carry an ``updated`` stamp (bulk inserts set it too);
    talks and teaching rows do not, and are taken when they have no version yet (new).
    """
    from people.models import Person, Talk, Teaching
    from publications.models import Publication
    from research.models import Project

    labs = list(lab_pks)
    people = Person.objects.filter(memberships__lab__in=labs).distinct()
    recent = {} if since is None else {"updated__gte": since}
    objects: list[Model] = []
    objects += people.filter(**recent)
    objects += (
        Publication.objects.filter(authorships__person__in=people, **recent)
        .distinct()
        .order_by("pk")
    )
    objects += Project.objects.filter(lab__in=labs, **recent)
    for model in (Talk, Teaching):
        rows = model._default_manager.filter(person__in=people)
        versioned = Version.objects.get_for_model(model).values_list("object_id", flat=True)
        objects += rows.exclude(pk__in=[int(pk) for pk in versioned if pk.isdigit()])
    return objects


def record(objects: Iterable[Model], *, comment: str, user=None) -> int:
    """One revision holding ``objects`` that changed since their last version; how many."""
    kept = [obj for obj in objects if not _unchanged(obj)]
    if not kept:
        return 0
    with create_revision(atomic=False):
        set_comment(comment)
        if user is not None:
            set_user(user)
        for obj in kept:
            add_to_revision(obj)
    return len(kept)


def record_changes(
    lab_pks: Iterable[int], since: datetime | None, *, comment: str, user=None
) -> int:
    """Record what a bulk write to the labs ``lab_pks`` changed since ``since``."""
    return record(changed_objects(lab_pks, since), comment=comment, user=user)
