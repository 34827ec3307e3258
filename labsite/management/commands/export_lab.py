"""``manage.py export_lab --lab SLUG FILE``: one lab's data and media in one file.

Why a command: a lab moves between machines and databases (SQLite to PostgreSQL) or is backed up
on its own, without a dump of every lab on the deployment. The file holds password hashes:
keep it like a database dump. The work is :func:`labsite.backup.export_lab`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from labsite.backup import BackupError, export_lab
from people.models import Lab


class Command(BaseCommand):
    help = "Write one lab's data and media to a backup file (a zip)."

    def add_arguments(self, parser):
        parser.add_argument("--lab", required=True, help="The lab's slug")
        parser.add_argument("file", help="The backup file to write")

    def handle(self, *args, **options):
        lab = Lab.objects.filter(slug=options["lab"]).select_related("site").first()
        if lab is None:
            raise CommandError(f"No lab {options['lab']!r}.")
        try:
            result = export_lab(lab=lab, path=Path(options["file"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
        self.stdout.write(f"Exported lab {lab.slug} to {result.path}: {counts}.")
        self.stdout.write("The file holds password hashes: store it like a database dump.")
