from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.LabHomeView.as_view(), name="lab_home"),
    path("people/", views.PeopleListView.as_view(), name="list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="detail"),
    path(
        "people/<slug:slug>/publications/",
        views.PersonPublicationsView.as_view(),
        name="publications",
    ),
    path("news/", views.NewsListView.as_view(), name="news"),
]
