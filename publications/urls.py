from django.urls import path

from publications import views

app_name = "publications"

# Included at the site root: ``/publications.bib`` sits beside ``/publications/``.
urlpatterns = [
    path("publications/", views.PublicationListView.as_view(), name="list"),
    path("publications/<int:pk>/", views.PublicationDetailView.as_view(), name="detail"),
    path("publications/<int:pk>.bib", views.PublicationBibtexView.as_view(), name="entry-bibtex"),
    path("publications.bib", views.LabBibtexView.as_view(), name="bibtex"),
]
