"""Creating labs and their sites: shared by the demo set-up, ``add_member`` and the importer."""

from __future__ import annotations

from django.contrib.sites.models import Site
from django.db import transaction

from people.models import Lab


@transaction.atomic
def get_or_create_lab(
    *, slug: str, name: str | None = None, domain: str | None = None, default: bool = False
) -> tuple[Lab, bool]:
    """The lab ``slug``; created with its Site on ``domain`` (else ``<slug>.localhost``) if new."""
    lab = Lab.objects.select_related("site").filter(slug=slug).first()
    if lab is not None:
        return lab, False
    domain = (domain or f"{slug}.localhost").lower()
    site, _ = Site.objects.get_or_create(domain=domain, defaults={"name": name or slug})
    if hasattr(site, "lab"):
        raise ValueError(f"The host {domain} already serves the lab {site.lab.slug!r}.")
    make_default = default and not Lab.objects.filter(is_default=True).exists()
    lab = Lab.objects.create(
        site=site, slug=slug, name=name or slug.replace("-", " ").title(), is_default=make_default
    )
    return lab, True


def ensure_default_lab() -> tuple[Lab, bool]:
    """A lab to serve on http://127.0.0.1:8000/: the existing default, or a new one."""
    existing = Lab.objects.filter(is_default=True).select_related("site").first()
    if existing is not None:
        return existing, False
    first = Lab.objects.select_related("site").order_by("pk").first()
    if first is not None:
        first.is_default = True
        first.save(update_fields=["is_default"])
        return first, False
    return get_or_create_lab(
        slug="example-lab", name="Example Lab", domain="127.0.0.1", default=True
    )
