"""What every public view shares: the lab from the request, and a 404 when there is none."""

from __future__ import annotations

from django.http import Http404
from django.utils.functional import SimpleLazyObject

from labsite.cache import accept_query


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
        lab = self.lab
        # Templates link an author or collaborator to their page only when they belong to this
        # lab (a co-author from another lab has no page here). Lazy: one query, and only on pages
        # whose template asks (``a.person_id in lab_member_ids``).
        context["lab_member_ids"] = SimpleLazyObject(lambda: _member_ids(lab))
        return context


def _member_ids(lab) -> frozenset[int]:
    from people.models import Person

    return frozenset(Person.objects.for_lab(lab).values_list("pk", flat=True))


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
