"""``manage.py add_member``: give a person an admin account and a membership of a lab.

Why a command: the first members of a new lab need accounts before anyone can use the admin, and
a lab's admin should not need a superuser's help for the next ones (in the admin: "Add a
member"). It never takes a password: command lines end up in shell histories and process lists,
so it prints a one-time link on the lab's host where the member chooses their own
(labsite/invitations.py).
"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from labsite import invitations
from labsite.members import MemberError, add_member
from people.models import Role


class Command(BaseCommand):
    help = "Give a person (slug or full name) a staff account and a membership of a lab."

    def add_arguments(self, parser):
        parser.add_argument("--lab", required=True, help="The lab's slug")
        parser.add_argument(
            "--person", required=True, help="A person's slug, or a full name (created if new)"
        )
        parser.add_argument("--username", required=True, help="The account's username")
        parser.add_argument("--email", default="", help="E-mail address for the account")
        parser.add_argument(
            "--role",
            default=None,
            help=f"Role in the lab: {', '.join(Role.values)} (default: phd, or the current role)",
        )
        parser.add_argument(
            "--lab-admin",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="May edit everything of the lab (--no-lab-admin takes it away; "
            "without either, an existing membership keeps its flag)",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="Where the lab is served, for the printed link, e.g. https://lab.example.org "
            "(default: http://DOMAIN:8000 for a *.localhost domain, else https://DOMAIN)",
        )

    def handle(self, *args, **options):
        if options["base_url"] and not options["base_url"].startswith(("http://", "https://")):
            raise CommandError(
                f"--base-url must start with http:// or https://, not {options['base_url']!r}."
            )
        try:
            result = add_member(
                lab=options["lab"],
                person=options["person"],
                username=options["username"],
                email=options["email"],
                role=options["role"],
                lab_admin=options["lab_admin"],
            )
        except MemberError as exc:
            raise CommandError(str(exc)) from exc

        person, membership = result.person, result.membership
        base_url = options["base_url"] or invitations.base_url_for_lab(membership.lab)
        username = result.user.get_username()
        self.stdout.write(
            f"{'Created' if result.created_person else 'Found'} person {person.name} "
            f"({person.slug})."
        )
        self.stdout.write(
            f"{'Created' if result.created_user else 'Linked'} staff account {username!r}."
        )
        admin_note = ", lab admin" if membership.is_lab_admin else ""
        self.stdout.write(
            f"{'Created' if result.created_membership else 'Kept'} membership: "
            f"{membership.get_role_display()} in {membership.lab.name}{admin_note}."
        )
        admin_url = invitations.lab_url(reverse("admin:index"), membership.lab, base_url=base_url)
        if result.reactivated:
            self.stdout.write(
                self.style.WARNING(
                    f"The account {username!r} was deactivated: it is active again, and its old "
                    "password no longer works."
                )
            )
        if result.needs_password:
            link = invitations.set_password_url(result.user, membership.lab, base_url=base_url)
            self.stdout.write(
                self.style.WARNING(
                    f"No password is set yet. Send the member this one-time link to choose one "
                    f"(it works once, for {invitations.link_days()} days):\n"
                    f"    {link}\n"
                    f"then they sign in at {admin_url}"
                )
            )
        else:
            self.stdout.write(f"{username} signs in at {admin_url} with their existing password.")
