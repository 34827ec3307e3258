"""First-run set-up for ``make run``: a lab to serve and an admin login, printed once.

Safe to run again: it creates only what is missing and never changes an existing password.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from labsite.setup import ensure_default_lab

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the example content and an admin account if they do not exist yet."

    def handle(self, *args, **options):
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

        self.stdout.write("")
        self.stdout.write("  labsite is starting on http://127.0.0.1:8000/")
        self.stdout.write("  Admin: http://127.0.0.1:8000/admin/")
        if password:
            self.stdout.write(self.style.SUCCESS(f"  Login: {ADMIN_USERNAME} / {password}"))
            self.stdout.write("  (shown once; change it with: .venv/bin/python manage.py changepassword admin)")
        else:
            self.stdout.write(
                f"  Login: {ADMIN_USERNAME} (password shown on the first run; reset it with "
                ".venv/bin/python manage.py changepassword admin)"
            )
        self.stdout.write("")
