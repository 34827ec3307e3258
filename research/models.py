"""Research projects: a lab's, with ordered collaborators and figures."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from markdownx.models import MarkdownxField

from labsite.images import (
    FIGURE_WIDTHS,
    UploadTo,
    delete_renditions,
    make_rendition,
    make_renditions,
    needs_rendition,
    validate_image_file,
)
from labsite.models import ImportedModel, RenderedMarkdownModel
from people.models import unique_slug


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    PLANNED = "planned", "Planned"


class ProjectQuerySet(models.QuerySet):
    def for_lab(self, lab) -> ProjectQuerySet:
        return self.filter(lab=lab)

    def for_person(self, person) -> ProjectQuerySet:
        return self.filter(Q(owner=person) | Q(collaborators__person=person)).distinct()

    def published(self) -> ProjectQuerySet:
        return self.filter(is_published=True)


class Project(RenderedMarkdownModel, ImportedModel):
    lab = models.ForeignKey("people.Lab", on_delete=models.CASCADE, related_name="projects")
    owner = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_projects",
        help_text="The member who maintains this project's page",
    )
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=80, blank=True)
    summary = MarkdownxField(blank=True, help_text="A paragraph for the project card")
    summary_html = models.TextField(blank=True, editable=False)
    body = MarkdownxField(blank=True, verbose_name="full write-up")
    body_html = models.TextField(blank=True, editable=False)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    is_featured = models.BooleanField(default=False, help_text="Show on the lab's home page")
    is_published = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    publications = models.ManyToManyField(
        "publications.Publication", blank=True, related_name="projects"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    markdown_fields = {"summary": "summary_html", "body": "body_html"}
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["lab", "order", models.F("start").desc(nulls_last=True), "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["lab", "slug"], name="project_unique_slug_per_lab"),
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="project_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Project, self.title, exclude_pk=self.pk, lab_id=self.lab_id)
        super().save(*args, **kwargs)


class Collaborator(models.Model):
    """Someone a project is done with, in order: a Person (member or not), the name as printed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="collaborators")
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collaborations",
    )
    name = models.CharField(max_length=200)
    url = models.URLField(
        blank=True, max_length=500, help_text="Their own page, for people outside the lab"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()


class Figure(ImportedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="figures")
    image = models.ImageField(
        upload_to=UploadTo("figures"),
        blank=True,
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    rendition = models.ImageField(
        upload_to=UploadTo("figures/web"),
        blank=True,
        editable=False,
        width_field="rendition_width",
        height_field="rendition_height",
    )
    rendition_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    rendition_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    #: WebP copies of the image at ``labsite.images.FIGURE_WIDTHS`` (``srcset``), made at save.
    image_renditions = models.JSONField(default=list, blank=True, editable=False)
    alt_text = models.CharField(
        max_length=300, help_text="What the figure shows, for screen readers"
    )
    caption = models.CharField(max_length=500, blank=True)
    display_width = models.PositiveIntegerField(
        null=True, blank=True, help_text="Width on the page in pixels; empty for the full column"
    )
    order = models.PositiveIntegerField(default=0)
    missing_source = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text="Imported path whose file was not found",
    )

    RENDITION_WIDTH = 1200

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.caption or self.alt_text or f"Figure {self.pk}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()

    def save(self, *args, **kwargs):
        new_image = not getattr(self.image, "_committed", True)
        if self.image and (
            new_image
            or (
                not self.rendition
                and needs_rendition(
                    self.width, self.height, self.RENDITION_WIDTH, 4 * self.RENDITION_WIDTH
                )
            )
        ):
            rendition = make_rendition(self.image, self.RENDITION_WIDTH)
            if rendition is not None:
                self.rendition.save(rendition.name, rendition, save=False)
            elif self.rendition:
                # A new image small enough to show as it is: the old one's rendition must go.
                self.rendition = None
        elif not self.image and self.rendition:
            self.rendition = None
        self._make_renditions(new_image)
        super().save(*args, **kwargs)

    def _make_renditions(self, new_image: bool) -> None:
        """WebP copies for ``srcset``: made when a new image is saved (or one has none yet, as
        after an upgrade), dropped with it; the old copies are deleted once the save commits."""
        old = list(self.image_renditions or [])
        if self.image and not new_image and old:
            return
        self.image_renditions = (
            make_renditions(self.image, FIGURE_WIDTHS, "figures/srcset") if self.image else []
        )
        if old:
            transaction.on_commit(lambda: delete_renditions(old))

    def rendition_names(self) -> list[str]:
        """Stored files named by ``image_renditions`` (for backups and exports)."""
        return [r["name"] for r in self.image_renditions or () if isinstance(r, dict)]

    @property
    def display_image(self):
        return self.rendition or self.image
