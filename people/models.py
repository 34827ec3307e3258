"""Labs, people and everything on a member's homepage that is not a publication or a project."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.apps import apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from labsite.images import UploadTo, make_rendition, needs_rendition, validate_image_file
from labsite.models import ImportedModel, RenderedMarkdownModel


def unique_slug(model, text: str, *, exclude_pk=None, max_length: int = 80, **scope) -> str:
    """``slugify(text)``, with ``-2``, ``-3``… appended until no other row in ``scope`` has it."""
    base = slugify(text)[:max_length].strip("-") or "item"
    candidate, n = base, 2
    qs = model._default_manager.filter(**scope)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    taken = set(qs.filter(slug__startswith=base).values_list("slug", flat=True))
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)] + suffix
        n += 1
    return candidate


class Lab(RenderedMarkdownModel):
    """The tenant: one lab, served on its own host through a ``django.contrib.sites`` Site."""

    site = models.OneToOneField(Site, on_delete=models.PROTECT, related_name="lab")
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=60, blank=True, help_text="Shown in the header, e.g. 'nEXUS'"
    )
    tagline = models.CharField(max_length=300, blank=True)
    about = MarkdownxField(blank=True)
    about_html = models.TextField(blank=True, editable=False)
    institution = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True, help_text="The lab's other home, if any")
    is_default = models.BooleanField(
        default=False, help_text="Serve this lab on hosts that match no other lab."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    content_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="Raised by every change to what this lab's pages show (labsite/cache.py)",
    )

    markdown_fields = {"about": "about_html"}

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="lab_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:lab_home")

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            # Never write back the content version read with this object: bumps made since
            # (by other requests, processes or an import) would be undone, and a page cached
            # under a version number that comes round again would be served stale.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "content_version"
            ]
        super().save(*args, **kwargs)

    @property
    def domain(self) -> str:
        return self.site.domain

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class PersonQuerySet(models.QuerySet):
    def for_lab(self, lab: Lab) -> PersonQuerySet:
        """People with a membership (current or past) in ``lab``."""
        return self.filter(memberships__lab=lab).distinct()


class Person(RenderedMarkdownModel, ImportedModel):
    """One human, whatever their labs: member, alumnus or outside collaborator."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text='Other spellings of the name in author lists, e.g. ["L. Varkonyi"]',
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    position = models.CharField(max_length=200, blank=True, help_text="e.g. 'PhD student'")
    affiliation = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    avatar = models.ImageField(
        upload_to=UploadTo("avatars"),
        blank=True,
        width_field="avatar_width",
        height_field="avatar_height",
        validators=[validate_image_file],
    )
    avatar_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    avatar_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    avatar_thumbnail = models.ImageField(
        upload_to=UploadTo("avatars/thumbs"),
        blank=True,
        editable=False,
        width_field="avatar_thumbnail_width",
        height_field="avatar_thumbnail_height",
    )
    avatar_thumbnail_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    avatar_thumbnail_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    bio = MarkdownxField(blank=True, help_text="A short introduction, in markdown")
    bio_html = models.TextField(blank=True, editable=False)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    google_scholar = models.URLField(blank=True)
    github = models.URLField(blank=True)
    orcid = models.URLField(blank=True)
    linkedin = models.URLField(blank=True)
    twitter = models.URLField(blank=True, verbose_name="X / Twitter")
    cv = models.URLField(blank=True, verbose_name="CV")
    cv_hidden = models.JSONField(
        default=list,
        blank=True,
        verbose_name="Left out of my CV",
        help_text="Sections of the CV page and PDF (/people/<you>/cv/) you do not want shown.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    markdown_fields = {"bio": "bio_html"}
    AVATAR_THUMBNAIL_SIZE = 400

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Person, self.name, exclude_pk=self.pk)
        self._make_avatar_thumbnail()
        super().save(*args, **kwargs)

    def _make_avatar_thumbnail(self) -> None:
        if not self.avatar:
            if self.avatar_thumbnail:
                self.avatar_thumbnail = None
            return
        if getattr(self.avatar, "_committed", True) and (
            self.avatar_thumbnail
            or not needs_rendition(
                self.avatar_width,
                self.avatar_height,
                self.AVATAR_THUMBNAIL_SIZE,
                self.AVATAR_THUMBNAIL_SIZE,
            )
        ):
            # An unchanged avatar with its thumbnail, or small enough to need none: nothing to
            # read (re-reading the stored file on every save is what broke profile saves).
            return
        rendition = make_rendition(
            self.avatar, self.AVATAR_THUMBNAIL_SIZE, self.AVATAR_THUMBNAIL_SIZE
        )
        if rendition is not None:
            self.avatar_thumbnail.save(rendition.name, rendition, save=False)
        elif self.avatar_thumbnail:
            # A new avatar small enough to show as it is: the old one's thumbnail must go.
            self.avatar_thumbnail = None

    @property
    def avatar_display(self):
        """The image to show: the thumbnail when there is one, else the original."""
        return self.avatar_thumbnail or self.avatar

    def all_names(self) -> list[str]:
        return [self.name, *[alias for alias in self.aliases if isinstance(alias, str)]]

    def profile_links(self) -> list[tuple[str, str, str]]:
        """``(kind, label, url)`` for each profile link that is set, in display order."""
        fields = [
            ("website", "Website"),
            ("google_scholar", "Google Scholar"),
            ("github", "GitHub"),
            ("orcid", "ORCID"),
            ("linkedin", "LinkedIn"),
            ("twitter", "X / Twitter"),
            ("cv", "CV"),
        ]
        return [(f, label, getattr(self, f)) for f, label in fields if getattr(self, f)]

    # -- the homepage's sections ------------------------------------------------------------------

    def content_kinds(self) -> set[str]:
        """The typed section kinds this person has rows for (a few EXISTS queries).

        For the admin, which offers a section for each of them; the public page knows its rows
        already and passes them to ``homepage_sections``.
        """
        Publication = apps.get_model("publications", "Publication")
        Project = apps.get_model("research", "Project")
        found = {
            SectionKind.NEWS: self.news.exists(),
            SectionKind.PUBLICATIONS: Publication.objects.for_person(self).exists(),
            SectionKind.PROJECTS: Project.objects.published().for_person(self).exists(),
            SectionKind.TALKS: self.talks.exists(),
            SectionKind.TEACHING: self.teaching.exists(),
            SectionKind.HONORS: self.honors.exists(),
        }
        return {kind for kind, present in found.items() if present}

    def missing_sections(
        self, kinds: Iterable[str], stored: Sequence[ProfileSection] | None = None
    ) -> list[ProfileSection]:
        """Unsaved default sections for the typed ``kinds`` the person has no stored section of.

        In ``DEFAULT_SECTIONS`` order, numbered after the last stored section, so that saving
        one unchanged (the admin's pre-filled rows) keeps it where the page already shows it.
        A stored section of a kind, even a hidden one, is the member's choice: no default for it.
        ``stored`` defaults to ``self.sections.all()`` (prefetched by the public page).
        """
        stored = list(self.sections.all()) if stored is None else list(stored)
        have = {section.kind for section in stored}
        wanted = set(kinds)
        after = max((section.order for section in stored), default=0)
        missing = []
        for kind, heading in DEFAULT_SECTIONS:
            if kind in wanted and kind not in have:
                after += 1
                missing.append(ProfileSection(person=self, kind=kind, title=heading, order=after))
        return missing

    def homepage_sections(self, rows: Mapping[str, Sequence]) -> list[ProfileSection]:
        """The sections the homepage shows, in order, each with ``.rows``.

        The stored sections keep their headings and order (an imported page reads like the
        original); each typed kind that has ``rows`` but no stored section follows them with its
        default heading. Hidden sections are left out, and so is a section with neither rows nor
        text of its own (an imported "News" heading with nothing under it yet).
        """
        stored = list(self.sections.all())
        kinds_with_rows = [kind for kind, items in rows.items() if items]
        shown = []
        for section in [*stored, *self.missing_sections(kinds_with_rows, stored)]:
            section.rows = list(rows.get(section.kind, []))
            if not section.is_visible:
                continue
            if not section.rows and not section.body_html:
                continue  # a heading over nothing
            shown.append(section)
        return shown


class Role(models.TextChoices):
    """In the order the people page lists them."""

    PI = "pi", "Principal investigator"
    FACULTY = "faculty", "Faculty"
    POSTDOC = "postdoc", "Postdoc"
    PHD = "phd", "PhD student"
    MASTERS = "masters", "Master's student"
    UNDERGRAD = "undergrad", "Undergraduate"
    STAFF = "staff", "Staff"
    VISITOR = "visitor", "Visitor"


ROLE_ORDER = {value: index for index, value in enumerate(Role.values)}


class MembershipQuerySet(models.QuerySet):
    def for_lab(self, lab: Lab) -> MembershipQuerySet:
        return self.filter(lab=lab)

    def current(self, today: datetime.date | None = None) -> MembershipQuerySet:
        today = today or timezone.localdate()
        return self.filter(Q(end__isnull=True) | Q(end__gte=today))

    def alumni(self, today: datetime.date | None = None) -> MembershipQuerySet:
        today = today or timezone.localdate()
        return self.filter(end__lt=today)


class Membership(models.Model):
    """A person's place in a lab: role, dates, and whether they administer the lab's content."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PHD)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown instead of the role, e.g. 'Associate Professor'",
    )
    start = models.DateField(null=True, blank=True)
    end = models.DateField(
        null=True, blank=True, help_text="Set when the person leaves: they become an alumnus"
    )
    next_position = models.CharField(
        max_length=200,
        blank=True,
        help_text="For alumni: where they went, e.g. 'Research scientist at X'",
    )
    is_lab_admin = models.BooleanField(
        default=False, help_text="May edit everything that belongs to this lab."
    )
    order = models.PositiveIntegerField(
        default=0, help_text="Order within the role on the people page"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["lab", "order", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "lab", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.lab}"

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url()

    @property
    def is_alumnus(self) -> bool:
        return self.end is not None and self.end < timezone.localdate()

    @property
    def role_label(self) -> str:
        return self.title or self.get_role_display()


class SectionKind(models.TextChoices):
    PROSE = "prose", "Text"
    NEWS = "news", "News"
    PUBLICATIONS = "publications", "Publications"
    PROJECTS = "projects", "Research projects"
    HONORS = "honors", "Honors and awards"
    TALKS = "talks", "Talks"
    TEACHING = "teaching", "Teaching"


#: The typed sections every homepage gets when it has their rows, in this order and with these
#: headings, after the sections the member (or an imported page) stored.
DEFAULT_SECTIONS: tuple[tuple[str, str], ...] = (
    (SectionKind.NEWS, "News"),
    (SectionKind.PUBLICATIONS, "Publications"),
    (SectionKind.PROJECTS, "Research"),
    (SectionKind.TALKS, "Talks"),
    (SectionKind.TEACHING, "Teaching"),
    (SectionKind.HONORS, "Honors and awards"),
)


class PersonOwnedQuerySet(models.QuerySet):
    def for_person(self, person: Person):
        return self.filter(person=person)

    def for_lab(self, lab: Lab):
        return self.filter(person__memberships__lab=lab).distinct()


class ProfileSection(RenderedMarkdownModel, ImportedModel):
    """One section of a member's homepage, in order: prose, or a typed list of structured rows."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind.choices, default=SectionKind.PROSE)
    title = models.CharField(
        max_length=200, help_text="The heading, e.g. 'About' or 'Selected publications'"
    )
    body = MarkdownxField(
        blank=True, help_text="For text sections; lists may carry an introduction"
    )
    body_html = models.TextField(blank=True, editable=False)
    order = models.PositiveIntegerField(default=0)
    is_visible = models.BooleanField(default=True)

    markdown_fields = {"body": "body_html"}
    objects = PersonOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.person}: {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.person.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return slugify(self.title) or f"section-{self.pk}"


class NewsQuerySet(models.QuerySet):
    def for_lab(self, lab: Lab):
        """The lab's own news and its members' news."""
        return self.filter(Q(lab=lab) | Q(person__memberships__lab=lab)).distinct()

    def for_person(self, person: Person):
        return self.filter(person=person)


class NewsItem(RenderedMarkdownModel, ImportedModel):
    """A dated line of news: a member's (on their page and the lab's) or the lab's own."""

    lab = models.ForeignKey(
        Lab, on_delete=models.CASCADE, null=True, blank=True, related_name="news"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="news"
    )
    date = models.DateField(default=timezone.localdate)
    date_precision = models.CharField(
        max_length=5,
        choices=[("day", "Day"), ("month", "Month"), ("year", "Year")],
        default="day",
        help_text="How much of the date to show ('May 2024' for month)",
    )
    text = MarkdownxField()
    text_html = models.TextField(blank=True, editable=False)
    is_highlight = models.BooleanField(
        default=False, verbose_name="highlight", help_text="Also show on the lab's home page"
    )
    order = models.PositiveIntegerField(
        default=0, help_text="Position among news of the same date, lower first"
    )

    markdown_fields = {"text": "text_html"}
    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "order", "-pk"]
        verbose_name = "news item"
        constraints = [
            models.CheckConstraint(
                condition=Q(lab__isnull=False) | Q(person__isnull=False), name="news_has_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        if self.person_id:
            return f"{self.person.get_absolute_url()}#news-{self.pk}"
        return f"{reverse('people:news')}#news-{self.pk}"


class Honor(ImportedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="honors")
    title = models.CharField(max_length=500)
    year = models.PositiveIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True, help_text="Who gave it, where")
    url = models.URLField(blank=True, max_length=500)
    order = models.PositiveIntegerField(default=0)

    objects = PersonOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["order", models.F("year").desc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | (Q(year__gte=1900) & Q(year__lte=2200)),
                name="honor_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def get_absolute_url(self) -> str:
        return f"{self.person.get_absolute_url()}#honors"


class TalkKind(models.TextChoices):
    TALK = "talk", "Talk"
    INVITED = "invited", "Invited talk"
    KEYNOTE = "keynote", "Keynote"
    CONTRIBUTED = "contributed", "Contributed talk"
    POSTER = "poster", "Poster"
    TUTORIAL = "tutorial", "Tutorial"
    PANEL = "panel", "Panel"
    SEMINAR = "seminar", "Seminar"


class Talk(RenderedMarkdownModel, ImportedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="talks")
    title = models.CharField(max_length=500)
    event = models.CharField(max_length=300, blank=True)
    date = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=TalkKind.choices, default=TalkKind.TALK)
    url = models.URLField(blank=True, max_length=500, help_text="Event or talk page")
    slides_url = models.URLField(blank=True, max_length=500)
    video_url = models.URLField(blank=True, max_length=500)
    description = MarkdownxField(blank=True)
    description_html = models.TextField(blank=True, editable=False)
    order = models.PositiveIntegerField(
        default=0, help_text="Position among talks of the same date, lower first"
    )

    markdown_fields = {"description": "description_html"}
    objects = PersonOwnedQuerySet.as_manager()

    class Meta:
        # Undated talks last on every database (PostgreSQL sorts NULL first in DESC).
        ordering = [models.F("date").desc(nulls_last=True), "order", "pk"]

    def __str__(self) -> str:
        return f"{self.title} — {self.event}" if self.event else self.title

    def get_absolute_url(self) -> str:
        return f"{self.person.get_absolute_url()}#talks"


class Teaching(ImportedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="teaching")
    course = models.CharField(max_length=300)
    role = models.CharField(
        max_length=100, blank=True, help_text="e.g. Instructor, Teaching assistant"
    )
    institution = models.CharField(max_length=200, blank=True)
    term = models.CharField(max_length=100, blank=True, help_text="e.g. Fall 2023")
    year = models.PositiveIntegerField(null=True, blank=True)
    url = models.URLField(blank=True, max_length=500)
    order = models.PositiveIntegerField(default=0)

    objects = PersonOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["order", models.F("year").desc(nulls_last=True), "pk"]
        verbose_name_plural = "teaching"

    def __str__(self) -> str:
        return f"{self.course} ({self.term})" if self.term else self.course

    def get_absolute_url(self) -> str:
        return f"{self.person.get_absolute_url()}#teaching"


class CVKind(models.TextChoices):
    EDUCATION = "education", "Education"
    EXPERIENCE = "experience", "Experience"
    SERVICE = "service", "Service"


class CVEntry(ImportedModel):
    """One line of a CV that the rest of the data does not hold: a degree, a position held
    outside the lab, a service role. Lab memberships, papers, talks, teaching and honors come
    from their own rows."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cv_entries")
    kind = models.CharField(max_length=20, choices=CVKind.choices, default=CVKind.EDUCATION)
    title = models.CharField(max_length=300, help_text="e.g. 'PhD in Computer Science', 'Intern'")
    organization = models.CharField(max_length=300, blank=True, help_text="University, company")
    location = models.CharField(max_length=200, blank=True)
    start_year = models.PositiveIntegerField(null=True, blank=True)
    end_year = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty with a start year: ongoing"
    )
    detail = models.CharField(
        max_length=500, blank=True, help_text="Advisor, thesis title, a line of description"
    )
    order = models.PositiveIntegerField(default=0)

    objects = PersonOwnedQuerySet.as_manager()

    class Meta:
        ordering = [
            "order",
            models.F("end_year").desc(nulls_first=True),
            models.F("start_year").desc(nulls_last=True),
            "pk",
        ]
        verbose_name = "CV entry"
        verbose_name_plural = "CV entries"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(start_year__isnull=True) | Q(start_year__gte=1900, start_year__lte=2200)
                )
                & (Q(end_year__isnull=True) | Q(end_year__gte=1900, end_year__lte=2200)),
                name="cventry_years_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.organization}" if self.organization else self.title

    @property
    def years(self) -> str:
        """ "2019–2024", "2021–present", "2018" or ""."""
        if self.start_year and self.end_year:
            if self.start_year == self.end_year:
                return str(self.start_year)
            return f"{self.start_year}–{self.end_year}"
        if self.start_year:
            return f"{self.start_year}–present"
        return str(self.end_year) if self.end_year else ""

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "The end year comes before the start year."})

    def get_absolute_url(self) -> str:
        return f"{self.person.get_absolute_url()}cv/"
