"""``manage.py add_member``: give a person an admin account and a membership of a lab.

Why a command: the first members of a new lab need accounts before anyone can use the admin, and
a lab's admin should not need a superuser's help for the next ones. It never takes a password:
command lines end up in shell histories and process lists, so the member sets their own.
"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, **options):
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
        if result.needs_password:
            self.stdout.write(
                self.style.WARNING(
                    f"No password is set yet. The member chooses one with:\n"
                    f"    python manage.py changepassword {username}\n"
                    f"then signs in at /admin/."
                )
            )
        else:
            self.stdout.write(f"{username} signs in at /admin/ with their existing password.")
