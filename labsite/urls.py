from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path
from django.views.static import serve
from markdownx.views import MarkdownifyView

from labsite import invitations, search, views
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

# Django's password-reset views, for "Forgotten your password?" on the admin login page (shown
# because a URL named admin_password_reset exists) and for invitations (labsite/invitations.py).
# Under /admin/, which the page cache never stores; before admin.site.urls, whose catch-all
# would answer them.
password_patterns = [
    path("password-reset/", invitations.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/done/",
        invitations.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        invitations.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        invitations.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path(
        "admin/password-reset/",
        invitations.PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path("admin/", include(password_patterns)),
    path("admin/", admin.site.urls),
    path("markdownx/", include(markdownx_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("search/", search.SearchView.as_view(), name="search"),
    path("research/", include("research.urls")),
    path("", include("publications.urls")),
    path("", include("people.urls")),
]

# Error pages in the lab's style; the 500 handler touches neither the database nor request.lab.
handler404 = "labsite.views.page_not_found"
handler500 = "labsite.views.server_error"

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
