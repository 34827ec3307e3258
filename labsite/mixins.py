"""What every public view shares: the lab from the request, and a 404 when there is none."""

from __future__ import annotations

from django.http import Http404


class LabMixin:
    """Gives ``self.lab`` (the request's lab) to a public view; no lab means nothing to show."""

    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        self.lab = getattr(request, "lab", None)
        if self.lab is None:
            raise Http404("No lab has been set up on this site yet.")
        return super().dispatch(request, *args, **kwargs)
