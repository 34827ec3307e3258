"""``manage.py make_renditions``: the WebP ``srcset`` copies of avatars and figures stored before
renditions existed (new uploads get theirs when they are saved: admin, importer, demo).

Each image without copies is read once and its copies stored; ``--force`` makes them again for
every image (after a change of widths or quality). Safe to run again: an image that has its
copies is skipped. Upgrading an existing site: ``manage.py migrate`` then this command.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from labsite.images import AVATAR_WIDTHS, FIGURE_WIDTHS, delete_renditions, make_renditions
from people.models import Person
from research.models import Figure


class Command(BaseCommand):
    help = "Make the responsive WebP copies of avatars and figures that have none."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="make them again for every image")

    def handle(self, *args, force: bool = False, **options):
        made = failed = 0
        jobs = (
            (Person, "avatar", "avatar_renditions", AVATAR_WIDTHS, "avatars/web"),
            (Figure, "image", "image_renditions", FIGURE_WIDTHS, "figures/srcset"),
        )
        for model, field, target, widths, prefix in jobs:
            rows = model.objects.exclude(**{field: ""}).only("pk", field, target)
            if not force:
                rows = rows.filter(**{target: []})
            for row in rows.iterator(chunk_size=200):
                old = getattr(row, target)
                renditions = make_renditions(getattr(row, field), widths, prefix)
                if not renditions:
                    failed += 1
                    why = "unreadable or animated"
                    self.stderr.write(f"{model.__name__} {row.pk}: no copies ({why})")
                    continue
                # Only this column: the row's other fields (and its updated time) stay as they are.
                with transaction.atomic():
                    model.objects.filter(pk=row.pk).update(**{target: renditions})
                getattr(row, field).close()
                delete_renditions(old)
                made += 1
        if made:
            from labsite.cache import bump_content_version

            bump_content_version()
        self.stdout.write(f"Renditions made for {made} image(s); {failed} without.")
