from django.urls import path

from labsite import feeds
from people import pages, views
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
    path("people/<slug:slug>/cv/", pages.PersonCVView.as_view(), name="cv"),
    path("people/<slug:slug>/cv.pdf", pages.PersonCVPdfView.as_view(), name="cv_pdf"),
    path("people/<slug:slug>/talks/", pages.PersonTalksView.as_view(), name="talks"),
    path("people/<slug:slug>/teaching/", pages.PersonTeachingView.as_view(), name="teaching"),
    path("talks/", pages.LabTalksView.as_view(), name="talk_list"),
    path("news/", views.NewsListView.as_view(), name="news"),
    path("feeds/news.xml", feeds.LabNewsFeed.as_view(), name="news_feed"),
]
