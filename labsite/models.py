"""Site-wide pieces shared by the content apps: rendered markdown, import provenance, redirects."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models

from labsite.markdown import length_problem, render_markdown


class RenderedMarkdownModel(models.Model):
    """Renders each markdown field into its stored ``*_html`` twin on save.

    ``markdown_fields`` maps a source field to its HTML field. A request never renders markdown:
    public pages print the stored HTML, which went through the sanitizer here.
    """

    markdown_fields: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.prepare_for_save()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            touched = set(update_fields)
            kwargs["update_fields"] = touched | {
                target for source, target in self.markdown_fields.items() if source in touched
            }
        super().save(*args, **kwargs)

    def prepare_for_save(self) -> None:
        """What ``save()`` does to the row's values before writing them. The importer's bulk
        INSERTs call it too (:func:`labsite.importing.rows.prepare`), so the two never differ."""
        self.render_markdown_fields()

    def render_markdown_fields(self) -> None:
        for source, target in self.markdown_fields.items():
            setattr(self, target, render_markdown(getattr(self, source)))

    def clean_fields(self, exclude=None) -> None:
        """Markdown over ``LABSITE_MARKDOWN_MAX_CHARS`` is a form error on its field, not a 500."""
        errors: dict[str, list[str]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.message_dict
        for source in self.markdown_fields:
            if exclude and source in exclude:
                continue
            problem = length_problem(getattr(self, source) or "")
            if problem:
                errors.setdefault(source, []).append(problem)
        if errors:
            raise ValidationError(errors)


class ImportedModel(models.Model):
    """Remembers where an object came from, so a second import updates instead of duplicating.

    ``imported_values`` holds the field values the last import wrote. A later import compares
    them with the current values: a field that differs was edited in the admin and is kept
    (reported as a conflict) rather than silently overwritten.
    """

    source_file = models.CharField(max_length=500, blank=True, editable=False, db_index=True)
    source_key = models.CharField(max_length=300, blank=True, editable=False)
    imported_values = models.JSONField(default=dict, blank=True, editable=False)
    # The import was unsure of this row (labsite/importing/review.py): shown to its owner in the
    # admin (a filter, a count, a banner) until they save it or mark it reviewed.
    needs_review = models.BooleanField(default=False, editable=False, db_index=True)
    review_reason = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        abstract = True

    def prepare_for_save(self) -> None:
        """What ``save()`` does to the values before writing them: nothing here; a model that
        renders or normalises on save overrides it (see ``RenderedMarkdownModel``)."""

    def mark_reviewed(self) -> bool:
        """Clear the flag (not saved); ``True`` when there was one."""
        if not self.needs_review and not self.review_reason:
            return False
        self.needs_review, self.review_reason = False, ""
        return True


class Redirect(models.Model):
    """An old address of a lab's site (an imported ``permalink`` or ``redirect_from``)."""

    lab = models.ForeignKey("people.Lab", on_delete=models.CASCADE, related_name="redirects")
    old_path = models.CharField(
        max_length=500, help_text="A path on this lab's host, such as /about/ or /publications.html"
    )
    new_path = models.CharField(
        max_length=500, help_text="Where it now lives, such as /people/ada/"
    )
    source_file = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["lab", "old_path"]
        constraints = [
            models.UniqueConstraint(fields=["lab", "old_path"], name="redirect_unique_old_path"),
        ]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_path}"

    def save(self, *args, **kwargs):
        self.old_path = normalize_path(self.old_path)
        super().save(*args, **kwargs)


def is_live_path(path: str) -> bool:
    """Whether ``path`` (query left out) is one of the site's own addresses: an old address
    that still answers needs no redirect."""
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def normalize_path(path: str) -> str:
    """``about.html`` → ``/about.html``; surrounding blanks dropped; the query string kept."""
    path = (path or "").strip()
    if not path.startswith("/"):
        path = "/" + path
    return path
