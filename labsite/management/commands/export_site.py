"""``manage.py export_site --lab SLUG DIR``: the lab's public site as static files in DIR.

Why: a lab that wants its pages on GitHub Pages, a university web server or any CDN, or a
snapshot that outlives the deployment, gets every public page, feed, BibTeX file, sitemap, and
the static and media files they use, with links that work from any static server. A second run
rewrites only the files that changed and removes those of pages that are gone; it never touches
a file it did not write. The work is :func:`labsite.exporting.export_site`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from labsite.exporting import ExportError, export_site
from people.models import Lab

#: Broken links printed in full; the rest are counted.
SHOWN = 20


class Command(BaseCommand):
    help = "Write a lab's public site (pages, feeds, BibTeX, static and media files) into DIR."

    def add_arguments(self, parser):
        parser.add_argument("--lab", required=True, help="The lab's slug")
        parser.add_argument("directory", metavar="DIR", help="The folder to write the site into")
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Processes rendering pages (default: one per CPU, at most 8)",
        )

    def handle(self, *args, **options):
        slug = options["lab"]
        lab = Lab.objects.filter(slug=slug).select_related("site").first()
        if lab is None:
            slugs = list(Lab.objects.order_by("slug").values_list("slug", flat=True))
            known = f"Labs: {', '.join(slugs)}." if slugs else "There are no labs yet."
            raise CommandError(f"No lab {slug!r}. {known}")
        try:
            result = export_site(
                lab=lab, directory=Path(options["directory"]), jobs=options["jobs"]
            )
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        report = result.report
        self.stdout.write(
            f"Exported lab {lab.slug} to {result.directory} in {result.seconds:.1f} s: "
            f"{result.pages} pages, {result.documents} feeds/BibTeX/sitemap files, "
            f"{result.static} static files, {result.media} media files, "
            f"{result.redirects} redirects."
        )
        self.stdout.write(
            f"Files: {len(report.written)} written, {len(report.unchanged)} unchanged, "
            f"{len(report.removed)} removed."
        )
        for path in report.kept:
            self.stderr.write(f"Kept {path}: changed since the last export, so not removed.")
        for url, referrer, what in result.broken[:SHOWN]:
            self.stderr.write(f"Broken link on the live site too: {url} {what} (from {referrer}).")
        if len(result.broken) > SHOWN:
            self.stderr.write(f"… and {len(result.broken) - SHOWN} more broken links.")
