from django.urls import path

from labsite import feeds
from people import views
from publications.views import PersonBibtexView

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
    path("people/<slug:slug>/publications.bib", PersonBibtexView.as_view(), name="bibtex"),
    path("people/<slug:slug>/feed.xml", feeds.PersonNewsFeed.as_view(), name="feed"),
    path("news/", views.NewsListView.as_view(), name="news"),
    path("feeds/news.xml", feeds.LabNewsFeed.as_view(), name="news_feed"),
]
