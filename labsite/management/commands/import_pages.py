"""``import_pages``: bring members' existing homepages (Jekyll markdown, BibTeX) into a lab.

A thin shell (STYLE.md): it parses arguments, finds or creates the lab, hands each PATH to the
pure reader (:func:`labsite.importing.discover.collect`) and the records to the loader
(:func:`labsite.importing.load.load_sites`), and prints the report. Good pages are imported even
when others fail; the exit status is non-zero when any page or input failed. Errors are one
line each, ``file:line: message``, never a traceback.
"""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from labsite import history
from labsite.importing.discover import site_paths
from labsite.importing.load import load_sites
from labsite.importing.pool import collect_all
from labsite.importing.report import render_report
from labsite.setup import get_or_create_lab


class Command(BaseCommand):
    help = (
        "Import academic homepages (a markdown page, a folder of pages, or a Jekyll site) "
        "into a lab. Re-running changes nothing; --dry-run writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="page, folder or Jekyll site")
        parser.add_argument("--lab", required=True, help="lab slug; created if missing")
        parser.add_argument("--lab-name", default=None, help="name for a new lab")
        parser.add_argument("--domain", default=None, help="host for a new lab (<slug>.localhost)")
        parser.add_argument(
            "--person", default=None, help='page owner: a slug, or a full name ("Jin Tao")'
        )
        parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")

    def handle(self, *args, **options) -> None:
        verbosity: int = options["verbosity"]
        dry_run: bool = options["dry_run"]
        failures: list[str] = []
        # A folder of members' sites stands for each site in it (discover.site_paths).
        paths = [str(site) for path in options["paths"] for site in site_paths(Path(path))]

        def readable_sites():
            # Workers read the next sites while this process writes the current one.
            for _path, site, error in collect_all(paths):
                if site is None:
                    failures.append(error)
                else:
                    yield site

        sites = readable_sites()
        first = next(sites, None)  # no lab is created when no input can be read
        reports = []
        started = timezone.now()
        if first is not None:
            # A dry run creates no lab either: the lab, like everything else, is rolled back.
            with transaction.atomic() if dry_run else contextlib.nullcontext():
                reports = self._import(
                    itertools.chain([first], sites),
                    options,
                    total=len(paths),
                    verbosity=verbosity,
                    dry_run=dry_run,
                )
                if dry_run:
                    transaction.set_rollback(True)
        for report in reports:
            failures.extend(report.errors)
        if reports and not dry_run:
            # Bulk writes send no signals: the admin's history learns of the import here.
            history.record_changes(
                [self._lab.pk], started, comment=f"Imported by import_pages from {', '.join(paths)}"
            )

        for line in render_report(reports, verbosity=verbosity):
            self.stdout.write(line)
        for line in failures:
            self.stderr.write(f"error: {line}")
        if failures:
            raise CommandError(
                f"{len(failures)} error(s); the other pages were imported"
                if not dry_run
                else f"{len(failures)} error(s)"
            )

    def _import(self, sites, options, *, total: int, verbosity: int, dry_run: bool):
        try:
            lab, created = get_or_create_lab(
                slug=options["lab"], name=options["lab_name"], domain=options["domain"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self._lab = lab
        if created and verbosity >= 1:
            verb = "Would create" if dry_run else "Created"
            self.stdout.write(f"{verb} the lab {lab.name!r} on {lab.site.domain}.")
        progress = self._progress if self.stdout.isatty() and verbosity >= 1 else None
        reports = load_sites(
            sites,
            lab=lab,
            owner=options["person"],
            dry_run=dry_run,
            verbosity=verbosity,
            progress=progress,
            total=total,
        )
        if progress is not None:
            self.stdout.write("\r\033[K", ending="")
        return reports

    def _progress(self, done: int, total: int, label: str) -> None:
        """A one-line progress bar, redrawn in place; only on a terminal."""
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} {label[-40:]}\033[K", ending="")
        self.stdout.flush()
