"""Publications, stored once and linked to every co-author through ordered Authorship rows."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from django.db import models
from django.db.models import Q
from django.urls import reverse
from markdownx.models import MarkdownxField

from labsite.markdown import render_inline
from labsite.models import ImportedModel, RenderedMarkdownModel
from labsite.normalise import normalize_doi


class PublicationKind(models.TextChoices):
    CONFERENCE = "conference", "Conference paper"
    JOURNAL = "journal", "Journal article"
    WORKSHOP = "workshop", "Workshop paper"
    PREPRINT = "preprint", "Preprint"
    THESIS = "thesis", "Thesis"
    BOOK = "book", "Book"
    CHAPTER = "chapter", "Book chapter"
    PATENT = "patent", "Patent"
    REPORT = "report", "Technical report"
    OTHER = "other", "Other"


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    ACCEPTED = "accepted", "Accepted"
    UNDER_REVIEW = "under_review", "Under review"
    PREPRINT = "preprint", "Preprint"


#: Newest year first; within a year the author's own order (``order``: an imported page's, or the
#: admin's), then month, then the most recently added. Never alphabetical. Undated papers last on
#: every database (PostgreSQL sorts NULL first in DESC).
PUBLICATION_ORDER = (
    models.F("year").desc(nulls_last=True),
    "order",
    models.F("month").desc(nulls_last=True),
    "-pk",
)


class PublicationQuerySet(models.QuerySet):
    def newest_first(self) -> PublicationQuerySet:
        return self.order_by(*PUBLICATION_ORDER)

    def for_lab(self, lab) -> PublicationQuerySet:
        """Papers with at least one author who is (or was) a member of ``lab``."""
        return self.filter(
            pk__in=Authorship.objects.filter(person__memberships__lab=lab).values("publication")
        )

    def for_person(self, person, *, include_hidden: bool = False) -> PublicationQuerySet:
        authorships = Authorship.objects.filter(person=person)
        if not include_hidden:
            authorships = authorships.filter(hidden=False)
        return self.filter(pk__in=authorships.values("publication"))

    def with_authors(self) -> PublicationQuerySet:
        return self.prefetch_related(
            models.Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("person").order_by("position"),
            ),
            "links",
        )


class Publication(RenderedMarkdownModel, ImportedModel):
    title = models.CharField(max_length=500)
    title_html = models.TextField(blank=True, editable=False)
    kind = models.CharField(
        max_length=20, choices=PublicationKind.choices, default=PublicationKind.CONFERENCE
    )
    status = models.CharField(
        max_length=20, choices=PublicationStatus.choices, default=PublicationStatus.PUBLISHED
    )
    venue = models.CharField(
        max_length=500, blank=True, help_text="Full name: conference, journal, school"
    )
    short_venue = models.CharField(max_length=60, blank=True, help_text="Badge, e.g. 'NeurIPS'")
    year = models.PositiveIntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    number = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=50, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    doi = models.CharField(
        max_length=200, blank=True, verbose_name="DOI", help_text="e.g. 10.1145/3372297"
    )
    arxiv_id = models.CharField(
        max_length=50, blank=True, verbose_name="arXiv id", help_text="e.g. 2401.01234"
    )
    abstract = MarkdownxField(blank=True)
    abstract_html = models.TextField(blank=True, editable=False)
    award = models.CharField(max_length=200, blank=True, help_text="e.g. 'Best Paper Award'")
    note = models.CharField(max_length=300, blank=True, help_text="e.g. 'Spotlight presentation'")
    bibtex = models.TextField(blank=True, help_text="Your own BibTeX entry; generated when empty")
    order = models.PositiveIntegerField(
        default=0,
        help_text="Position among the papers of the same year, lower first "
        "(the order of an imported page; new papers come first)",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    #: The list entry as rendered when the paper, its authors or its links last changed
    #: (publications/entries.py): ``{"v": template version, "parts": [...]}``.
    entry_parts = models.JSONField(default=dict, blank=True, editable=False)

    markdown_fields = {"abstract": "abstract_html"}
    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "order", "-month", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["doi"], condition=~Q(doi=""), name="publication_unique_doi"
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | (Q(year__gte=1900) & Q(year__lte=2200)),
                name="publication_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | (Q(month__gte=1) & Q(month__lte=12)),
                name="publication_month_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def get_absolute_url(self) -> str:
        return reverse("publications:detail", kwargs={"pk": self.pk})

    def render_markdown_fields(self) -> None:
        super().render_markdown_fields()
        self.title_html = render_inline(self.title)

    def prepare_for_save(self) -> None:
        self.doi = normalize_doi(self.doi)
        super().prepare_for_save()

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"title_html"}
        super().save(*args, **kwargs)

    def display_links(self) -> list[tuple[str, str]]:
        """``(label, url)`` of the link pills, in order, from the prefetched ``links``.

        No two pills say the same thing: a link to a URL already shown is dropped; links that
        share a label are told apart by their host ("Paper (arxiv.org)", "Paper (dl.acm.org)"),
        or by number when the host is the same too; the DOI pill is left out when a link
        already points at that DOI on doi.org.
        """
        return distinct_links(
            [(link.display_label, link.url) for link in self.links.all()], doi=self.doi
        )


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def distinct_links(links: list[tuple[str, str]], *, doi: str = "") -> list[tuple[str, str]]:
    """``links`` (label, url) without repeated URLs or labels, then the DOI's own link unless
    one of them is it. See ``Publication.display_links``."""
    seen_urls: set[str] = set()
    unique: list[tuple[str, str]] = []
    for label, url in links:
        key = url.strip().rstrip("/").lower()
        if key in seen_urls:
            continue
        seen_urls.add(key)
        unique.append((label, url))
    doi = normalize_doi(doi)
    if doi and not any(_host(url) in DOI_HOSTS and normalize_doi(url) == doi for _, url in unique):
        unique.append(("DOI", f"https://doi.org/{quote(doi, safe='/')}"))
    by_label: dict[str, list[int]] = {}
    for index, (label, _) in enumerate(unique):
        by_label.setdefault(label.casefold(), []).append(index)
    labels = [label for label, _ in unique]
    for indexes in by_label.values():
        if len(indexes) < 2:
            continue
        hosts = [_host(unique[i][1]) for i in indexes]
        if all(hosts) and len(set(hosts)) == len(hosts):
            for i, host in zip(indexes, hosts, strict=True):
                labels[i] = f"{unique[i][0]} ({host})"
        else:
            for n, i in enumerate(indexes, start=1):
                labels[i] = f"{unique[i][0]} {n}"
    return [(label, url) for label, (_, url) in zip(labels, unique, strict=True)]


#: Hosts whose URLs name a DOI (``https://doi.org/10.1/x``).
DOI_HOSTS = frozenset({"doi.org", "dx.doi.org"})


class Authorship(models.Model):
    """One author of one publication, in order, as printed; linked to a Person when known.

    A member's choices about the paper sit here too: ``selected`` puts it on their homepage,
    ``hidden`` keeps it off their pages without touching their co-authors'.
    """

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="authorships"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authorships",
    )
    name = models.CharField(max_length=200, help_text="As printed on the paper")
    position = models.PositiveIntegerField(default=0)
    equal_contribution = models.BooleanField(
        default=False, help_text="Marked * (equal contribution)"
    )
    corresponding = models.BooleanField(default=False)
    selected = models.BooleanField(default=False, help_text="Show on this author's homepage")
    hidden = models.BooleanField(default=False, help_text="Keep off this author's pages")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "position"], name="authorship_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.publication.title}"

    def get_absolute_url(self) -> str:
        return self.publication.get_absolute_url()


class LinkKind(models.TextChoices):
    PAPER = "paper", "Paper"
    PDF = "pdf", "PDF"
    CODE = "code", "Code"
    ARXIV = "arxiv", "arXiv"
    POSTER = "poster", "Poster"
    SLIDES = "slides", "Slides"
    TALK = "talk", "Talk"
    VIDEO = "video", "Video"
    PROJECT = "project", "Project"
    WEBSITE = "website", "Website"
    DATA = "data", "Data"
    BIBTEX = "bibtex", "BibTeX"
    BLOG = "blog", "Blog"
    OTHER = "other", "Link"


class PublicationLink(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=20, choices=LinkKind.choices, default=LinkKind.PAPER)
    url = models.URLField(max_length=1000)
    label = models.CharField(
        max_length=60, blank=True, help_text="Shown instead of the kind's name"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "kind", "url"], name="link_unique_kind_url"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_label}: {self.url}"

    def get_absolute_url(self) -> str:
        return self.publication.get_absolute_url()

    @property
    def display_label(self) -> str:
        return self.label or self.get_kind_display()
