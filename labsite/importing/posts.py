"""Writing a site's blog posts (``PageRecord.posts``) as the owner's ``people.Post`` rows.

Called by :meth:`labsite.importing.writers.SiteWriter.write_page` for each page; it uses the
writer's upsert (idempotent, admin edits win) and its write-up media storage. A post that a
project's "Read More" names (``ProjectRecord.write_up``) becomes that project's write-up
(``Post.project``), so the project page links to the post's own page — unless someone already
chose another project for it in the admin.

A published post's old addresses — its front-matter ``permalink`` and ``redirect_from``, and
Jekyll's default ``/YYYY/MM/DD/slug.html`` — redirect to its new page, by the rule of the page
redirects (``SiteWriter._redirects``): never a path labsite serves, and the first claim wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from labsite.importing.records import PageRecord, PostRecord
from labsite.models import Redirect, is_live_path, normalize_path
from people.models import Post, PostStatus, unique_slug
from research.models import Project

if TYPE_CHECKING:
    from labsite.importing.writers import SiteWriter


def _rows(writer: SiteWriter) -> dict:
    """The site's imported posts, read once per preload (the writer reloads after a rollback)."""
    rows = writer.rows.get(Post)
    if rows is None:
        files = [writer.source_file(page) for page in writer.site.pages if page.posts]
        rows = writer.rows[Post] = {
            (row.source_file, row.source_key): row
            for row in Post.objects.filter(source_file__in=files)
        }
    return rows


def _free_slug(writer: SiteWriter, record: PostRecord) -> str:
    """The file name's slug, unless another of the owner's posts has it already."""
    slug = record.slug or "post"
    taken = Post.objects.filter(person=writer.owner, lab__isnull=True, slug=slug)
    if not taken.exists():
        return slug
    return unique_slug(Post, slug, person_id=writer.owner.pk, lab__isnull=True)


def _project_of(writer: SiteWriter, post_path: str) -> Project | None:
    """The project (written from this site) whose "Read More" names the post ``post_path``."""
    projects = writer.rows.get(Project, {})
    for page in writer.site.pages:
        source_file = writer.source_file(page)
        for record in page.projects:
            if record.write_up != post_path:
                continue
            for row in projects.values():
                if row.source_file == source_file and record.title[:300] in (
                    row.title,
                    row.imported_values.get("title"),
                ):
                    return row
    return None


def write_posts(writer: SiteWriter, page: PageRecord, source_file: str) -> None:
    """Create or update ``page``'s posts for the writer's owner."""
    if not page.posts:
        return
    rows = _rows(writer)
    for record in page.posts:
        key = (record.key or record.slug)[:300]
        values = {
            "title": record.title,
            "date": record.date,
            "excerpt": record.excerpt,
            "body": writer._write_up_media(record) if record.media else record.body,
            "tags": record.tags,
            "status": PostStatus.PUBLISHED if record.published else PostStatus.DRAFT,
        }
        extra = {"person": writer.owner, "lab": None}
        if (source_file, key) not in rows:
            extra["slug"] = _free_slug(writer, record)
        post, _action = writer._upsert(
            Post, source_file, key, values, extra=extra, name="post", label=record.title
        )
        if post.status == PostStatus.PUBLISHED:
            redirect_old_addresses(writer, record, post, source_file)
        project = _project_of(writer, page.source.path)
        if (
            project is not None
            and post.project_id is None
            and Project.objects.filter(pk=project.pk).exists()
        ):
            post.project = project
            post.save(update_fields=["project"])


def old_addresses(record: PostRecord) -> list[str]:
    """Where the post lived on the old site, as paths: its own, then Jekyll's default."""
    paths = [record.permalink, *record.redirect_from]
    if record.slug:
        paths.append(f"/{record.date:%Y/%m/%d}/{record.slug}.html")
    seen: list[str] = []
    for raw in paths:
        if raw and not raw.startswith(("http://", "https://")):
            path = normalize_path(raw.replace("\x00", ""))[:500]
            if path not in seen:
                seen.append(path)
    return seen


def redirect_old_addresses(
    writer: SiteWriter, record: PostRecord, post: Post, source_file: str
) -> None:
    target = post.get_absolute_url()
    for old in old_addresses(record):
        if is_live_path(old):
            continue
        existing = writer.redirects.get(old)
        if existing is None:
            writer.redirects[old] = Redirect.objects.create(
                lab=writer.lab, old_path=old, new_path=target, source_file=source_file
            )
            writer.report.add("created", "redirect", f"{old} → {target}")
        elif existing.new_path == target:
            writer.report.add("unchanged", "redirect", f"{old} → {target}")
        elif existing.source_file == source_file:
            existing.new_path = target
            existing.save(update_fields=["new_path"])
            writer.report.add("updated", "redirect", f"{old} → {target}")
        else:
            writer.report.warnings.append(
                f"{record.source}: {old} already redirects to {existing.new_path}; not changed"
            )
