"""First-run set-up for ``make run``: a lab to serve, the example content, an admin login.

Safe to run again: it creates only what is missing and never changes an existing password.
The example labs (``examples/``) are imported only while the default lab has no members, so a
lab that is in real use is never touched; delete the members to see the examples again.
"""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from labsite.setup import ensure_default_lab, get_or_create_lab
from people.models import Lab, Membership, Person, Role

ADMIN_USERNAME = "admin"
EXAMPLES = Path(settings.BASE_DIR) / "examples"
# The default lab (http://127.0.0.1:8000/) gets the Lumen Lab; a second lab shows tenancy.
DEFAULT_LAB_EXAMPLE = "lumen-lab"
SECOND_LAB_EXAMPLE = "harbor-lab"


class Command(BaseCommand):
    help = "Create the example content and an admin account if they do not exist yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="The host the server will listen on (banner)"
        )
        parser.add_argument(
            "--port", default="8000", help="The port the server will listen on (banner)"
        )

    def handle(self, *args, **options):
        base = server_url(options["host"], options["port"])
        with transaction.atomic():
            lab, created_lab = ensure_default_lab()
            if created_lab:
                self.stdout.write(f"Created the lab {lab.name!r} on {lab.site.domain}.")
            User = get_user_model()
            admin = User.objects.filter(username=ADMIN_USERNAME).first()
            password = None
            if admin is None:
                password = secrets.token_urlsafe(12)
                User.objects.create_superuser(ADMIN_USERNAME, email="", password=password)

        if (
            not Membership.objects.filter(lab=lab).exists()
            and (EXAMPLES / DEFAULT_LAB_EXAMPLE).is_dir()
        ):
            try:
                with transaction.atomic():  # all or nothing: a failed attempt is retried next run
                    lines = import_examples(lab)
            except Exception as exc:  # noqa: BLE001 - the server must start all the same
                lines = [f"The example labs were not imported: {exc}"]
            for line in lines:
                self.stdout.write(line)

        self.stdout.write("")
        self.stdout.write(f"  labsite is starting on {base}/")
        second = (
            Lab.objects.filter(slug=_lab_slug(SECOND_LAB_EXAMPLE)).select_related("site").first()
        )
        if second is not None:
            port = options["port"]
            self.stdout.write(f"  A second lab: http://{second.site.domain}:{port}/")
        self.stdout.write(f"  Admin: {base}/admin/")
        if password:
            self.stdout.write(self.style.SUCCESS(f"  Login: {ADMIN_USERNAME} / {password}"))
            self.stdout.write(
                "  (shown once; change it with: .venv/bin/python manage.py changepassword admin)"
            )
        else:
            self.stdout.write(
                f"  Login: {ADMIN_USERNAME} (password shown on the first run; reset it with "
                ".venv/bin/python manage.py changepassword admin)"
            )
        self.stdout.write("")


def server_url(host: str, port: str) -> str:
    """The address to open for a server listening on ``host:port``.

    A server on every interface (0.0.0.0 or ::) is opened on the loopback address; an IPv6
    address goes in brackets.
    """
    host = host.strip("[]")
    if host in {"0.0.0.0", "", "::"}:
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _lab_slug(example: str) -> str:
    data = _roster(EXAMPLES / example)
    return data.get("slug") or example


def _roster(folder: Path) -> dict:
    path = folder / "lab.yml"
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def import_examples(default_lab: Lab, *, examples: Path = EXAMPLES) -> list[str]:
    """Import the example labs: the Lumen Lab into ``default_lab``, the Harbor lab beside it."""
    lines = import_example_lab(examples / DEFAULT_LAB_EXAMPLE, default_lab)
    second_folder = examples / SECOND_LAB_EXAMPLE
    if second_folder.is_dir():
        roster = _roster(second_folder)
        slug = roster.get("slug") or SECOND_LAB_EXAMPLE
        try:
            second, _ = get_or_create_lab(
                slug=slug, name=roster.get("name"), domain=f"{slug}.localhost"
            )
        except ValueError as exc:
            return [*lines, f"  The second example lab was not created: {exc}"]
        lines += import_example_lab(second_folder, second)
    return lines


def import_example_lab(folder: Path, lab: Lab) -> list[str]:
    """Import every member site in ``folder`` into ``lab``, then apply its ``lab.yml`` roster.

    The member pages say who people are and what they wrote; the roster says what no homepage
    does: each member's role, dates, and who administers the lab.
    """
    from labsite.importing.load import load_sites
    from labsite.importing.readers import ImportInputError, collect

    roster = _roster(folder)
    for field in ("name", "short_name", "tagline", "institution", "email", "about"):
        if roster.get(field):
            setattr(lab, field, str(roster[field]).strip())
    lab.save()

    sites, problems = [], []
    # Roster order (the PI first): the first member to claim an old path such as /about/
    # keeps its redirect, and on a lab's site that should be the lab's head.
    order = {slug: n for n, slug in enumerate(roster.get("members") or {})}
    members = sorted(
        (p for p in folder.iterdir() if p.is_dir()),
        key=lambda p: (order.get(p.name, len(order)), p.name),
    )
    for member in members:
        try:
            sites.append(collect(member))
        except ImportInputError as exc:
            problems.append(str(exc))
    reports = load_sites(sites, lab=lab, owner=None, dry_run=False, verbosity=0)
    problems += [error for report in reports for error in report.errors]
    _apply_roster(roster.get("members") or {}, lab)

    created = sum(report.totals()["created"] for report in reports)
    warnings = sum(report.totals()["warnings"] for report in reports)
    lines = [
        f"Imported the example lab {lab.name!r} from {folder.name}/ ({len(sites)} member sites, "
        f"{created} records, {warnings} warnings)."
    ]
    lines += [f"  example import problem: {problem}" for problem in problems]
    return lines


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _apply_roster(members: dict, lab: Lab) -> None:
    """Set each member's role, title, dates and lab-admin flag from ``lab.yml``."""
    for slug, info in members.items():
        person = Person.objects.filter(slug=slug).first()
        if person is None or not isinstance(info, dict):
            continue
        membership = Membership.objects.filter(person=person, lab=lab).first()
        if membership is None:
            membership = Membership(person=person, lab=lab)
        role = info.get("role")
        if role in Role.values:
            membership.role = role
        membership.title = str(info.get("title") or membership.title)
        membership.start = _date(info.get("start")) or membership.start
        membership.end = _date(info.get("end")) or membership.end
        membership.next_position = str(info.get("next_position") or membership.next_position)
        membership.is_lab_admin = bool(info.get("lab_admin", membership.is_lab_admin))
        membership.save()
