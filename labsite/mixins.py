"""What every public view shares: the lab from the request, and a 404 when there is none."""

from __future__ import annotations

from django.http import Http404
from django.utils.functional import SimpleLazyObject

from labsite.cache import accept_query, per_lab_version
from labsite.tenancy import lab_version


class LabMixin:
    """Gives ``self.lab`` (the request's lab) to a public view; no lab means nothing to show."""

    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        self.lab = getattr(request, "lab", None)
        if self.lab is None:
            raise Http404("No lab has been set up on this site yet.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lab, version = self.lab, lab_version(self.request)
        # Templates link an author or collaborator to their page only when they belong to this
        # lab (a co-author from another lab has no page here). Lazy: one query, and only on pages
        # whose template asks (``a.person_id in lab_member_ids``).
        context["lab_member_ids"] = SimpleLazyObject(lambda: member_ids(lab, version))
        return context


def member_ids(lab, version=None) -> frozenset[int]:
    """The pks of the lab's people (current and past members), kept while the lab's content
    ``version`` holds: a membership added or removed bumps it."""
    from people.models import Person

    return per_lab_version(
        lab.pk,
        version,
        "member_ids",
        lambda: frozenset(Person.objects.for_lab(lab).values_list("pk", flat=True)),
    )


class PaginatedCacheMixin:
    """A ListView's page goes into the page cache only when it exists (an unknown one is a
    404, never stored) and was asked for once and by its own number: "?page=02" or
    "?page=last" would be one more copy of the same page."""

    def paginate_queryset(self, queryset, page_size):
        paginated = super().paginate_queryset(queryset, page_size)
        page = paginated[1]
        if list(self.request.GET.lists()) == [("page", [str(page.number)])]:
            accept_query(self.request)
        return paginated
