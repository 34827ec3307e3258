"""``import_pages``: bring members' existing homepages into a lab: Jekyll sites, markdown
pages, BibTeX files, Hugo Academic sites, ORCID record exports, CSL-JSON and JSON Resume files.

A thin shell (STYLE.md): it parses arguments, finds or creates the lab, hands each PATH to the
reader that fits it (:func:`labsite.importing.readers.collect`) and the records to the loader
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
from labsite.importing.load import load_sites
from labsite.importing.pool import collect_all
from labsite.importing.readers import site_paths
from labsite.importing.report import render_report
from labsite.setup import get_or_create_lab
from people.models import Lab


class Command(BaseCommand):
    help = (
        "Import academic homepages (a markdown page, a folder of pages, a Jekyll or Hugo "
        "Academic site, a .bib, an ORCID record .json, a CSL-JSON or a JSON Resume file) into a "
        "lab. Re-running changes nothing; --dry-run writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="page, folder, site, .bib or .json"
        )
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
        # A folder of members' sites stands for each site in it (readers.site_paths).
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
        # ... nor when every input read fails to import (no owner could be told): a new lab is
        # made in the import's transaction, and rolled back with it then.
        new_lab = not Lab.objects.filter(slug=options["lab"]).exists()
        self._created = ""
        undone = dry_run
        if first is not None:
            # A dry run creates no lab either: the lab, like everything else, is rolled back.
            with transaction.atomic() if dry_run or new_lab else contextlib.nullcontext():
                reports = self._import(
                    itertools.chain([first], sites),
                    options,
                    total=len(paths),
                    verbosity=verbosity,
                    dry_run=dry_run,
                )
                undone = dry_run or (new_lab and not imported(reports))
                if undone:
                    transaction.set_rollback(True)
        for report in reports:
            failures.extend(report.errors)
        if self._created:  # said once the import is done: it may have been undone
            if dry_run:
                self.stdout.write(f"Would create {self._created}.")
            elif undone:
                self.stdout.write(f"Nothing was imported: {self._created} was not created.")
            else:
                self.stdout.write(f"Created {self._created}.")
        if reports and not undone:
            # Bulk writes send no signals: the admin's history learns of the import here.
            history.record_changes(
                [self._lab.pk], started, comment=f"Imported by import_pages from {', '.join(paths)}"
            )

        for line in render_report(reports, verbosity=verbosity):
            self.stdout.write(line)
        for line in failures:
            self.stderr.write(f"error: {line}")
        if failures:
            if dry_run:
                raise CommandError(f"{len(failures)} error(s)")
            rest = "the other pages were imported" if imported(reports) else "nothing was imported"
            raise CommandError(f"{len(failures)} error(s); {rest}")

    def _import(self, sites, options, *, total: int, verbosity: int, dry_run: bool):
        try:
            lab, created = get_or_create_lab(
                slug=options["lab"], name=options["lab_name"], domain=options["domain"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self._lab = lab
        if created and verbosity >= 1:
            self._created = f"the lab {lab.name!r} on {lab.site.domain}"
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


def imported(reports) -> bool:
    """Whether any site was imported: its owner was told (their Person, pages, papers)."""
    return any(report.owner for report in reports)
