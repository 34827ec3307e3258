from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path
from django.views.static import serve
from markdownx.views import MarkdownifyView

from labsite import views
from labsite.images import ImageUploadView  # markdownx's, with the image checked by Pillow

admin.site.site_header = "labsite"
admin.site.site_title = "labsite admin"
admin.site.index_title = "Your pages"

# markdownx's own views write (uploads) and render for anyone; only staff may reach them here.
markdownx_patterns = [
    path("upload/", staff_member_required(ImageUploadView.as_view()), name="markdownx_upload"),
    path(
        "markdownify/",
        staff_member_required(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("markdownx/", include(markdownx_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("research/", include("research.urls")),
    path("", include("publications.urls")),
    path("", include("people.urls")),
]

# Error pages in the lab's style; the 500 handler touches neither the database nor request.lab.
handler404 = "labsite.views.page_not_found"
handler500 = "labsite.views.server_error"

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
