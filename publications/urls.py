from django.urls import path

from publications import views

app_name = "publications"

urlpatterns = [
    path("", views.PublicationListView.as_view(), name="list"),
    path("<int:pk>/", views.PublicationDetailView.as_view(), name="detail"),
]
