"""Blog posts: a member's (``/people/<slug>/posts/``) and the lab's (``/posts/``), and one post.

Drafts are never public: every query starts from ``Post.objects.published()``. A member's post
exists only under a person who belongs to the request's lab; a lab post only on its own lab.
Each page runs a fixed number of queries however many posts it lists (select_related).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from labsite.mixins import LabMixin, PaginatedCacheMixin
from labsite.seo import PageMetaMixin, blog_posting_ld, first_image, page_meta, plain
from people.models import Person, Post

#: Posts per page of a list.
POSTS_PER_PAGE = 20


class LabPostListView(LabMixin, PageMetaMixin, PaginatedCacheMixin, ListView):
    """The lab's posts and its members', newest first.

    Context: ``posts`` (each with ``person`` and ``lab`` loaded), ``page_obj``, ``feed``,
    ``meta``.
    """

    template_name = "people/post_list.html"
    context_object_name = "posts"
    paginate_by = POSTS_PER_PAGE

    def get_queryset(self):
        return (
            Post.objects.for_lab(self.lab)
            .published()
            .select_related("person", "lab")
            .newest_first()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(feed="/posts/feed.xml", show_person=True, heading="Blog")
        return context

    def get_meta(self, context):
        return page_meta(
            self.request,
            title=f"Blog — {self.lab.name}",
            description=f"Posts from {self.lab.name} and its members.",
            feeds=[(f"{self.lab.name} — posts", "/posts/feed.xml")],
        )


class PersonPostListView(LabMixin, PageMetaMixin, PaginatedCacheMixin, ListView):
    """One member's posts, newest first. Context: ``person``, ``posts``, ``page_obj``, ``feed``."""

    template_name = "people/post_list.html"
    context_object_name = "posts"
    paginate_by = POSTS_PER_PAGE

    def get_queryset(self):
        self.person = get_object_or_404(Person.objects.for_lab(self.lab), slug=self.kwargs["slug"])
        return Post.objects.published().for_person(self.person).newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for post in context["posts"]:
            post.person = self.person  # the URL needs its slug: no query per post
        context.update(
            person=self.person,
            feed=person_posts_feed_path(self.person),
            show_person=False,
            heading="Blog",
        )
        return context

    def get_meta(self, context):
        person = self.person
        return page_meta(
            self.request,
            title=f"Blog — {person.name}",
            description=f"Posts by {person.name}.",
            feeds=[(f"{person.name} — posts", person_posts_feed_path(person))],
        )


class PostDetailMixin(LabMixin, PageMetaMixin):
    """One published post. Context: ``post`` (``person``, ``lab``, ``project`` loaded)."""

    template_name = "people/post_detail.html"
    context_object_name = "post"

    def get_meta(self, context):
        post = self.object
        return page_meta(
            self.request,
            title=post.title,
            description=post.excerpt or plain(post.body_html),
            image=first_image(post.body_html),
            type="article",
        )

    def get_json_ld(self, context):
        return blog_posting_ld(self.request, self.object, self.lab)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object.project
        # A write-up links to its project only when the project is this lab's and public.
        context["project"] = (
            project if project and project.lab_id == self.lab.pk and project.is_published else None
        )
        return context


class PersonPostDetailView(PostDetailMixin, DetailView):
    def get_object(self, queryset=None):
        person = get_object_or_404(
            Person.objects.for_lab(self.lab), slug=self.kwargs["person_slug"]
        )
        post = (
            Post.objects.published()
            .for_person(person)
            .select_related("project")
            .filter(slug=self.kwargs["slug"])
            .first()
        )
        if post is None:
            raise Http404("No such post.")
        post.person = person
        return post


class LabPostDetailView(PostDetailMixin, DetailView):
    def get_object(self, queryset=None):
        post = (
            Post.objects.lab_posts(self.lab)
            .published()
            .select_related("person", "lab", "project")
            .filter(slug=self.kwargs["slug"])
            .first()
        )
        if post is None:
            raise Http404("No such post.")
        return post


def person_posts_feed_path(person: Person) -> str:
    return f"{person.get_absolute_url()}posts/feed.xml"
