"""``manage.py import_lab FILE [--replace]``: a lab back from its ``export_lab`` file.

Why a command: restoring a lab, or moving it to another deployment or database. All or nothing:
a bad file (not a backup, another version, missing or altered media, altered data) changes
nothing. A lab with the same slug is kept unless ``--replace`` is given. The work is
:func:`labsite.backup.import_lab`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from labsite import history
from labsite.backup import BackupError, import_lab


class Command(BaseCommand):
    help = "Read a lab's backup file (from export_lab) into this database and media storage."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file to read")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a lab with the same slug (deleted first, in the same transaction)",
        )

    def handle(self, *args, **options):
        try:
            result = import_lab(path=Path(options["file"]), replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        history.record_changes(
            [result.lab.pk], None, comment=f"Restored by import_lab from {result.path.name}"
        )
        counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
        self.stdout.write(f"Imported lab {result.lab.slug} from {result.path}: {counts}.")
