"""One-time set-password links: invitations for new members and "forgotten your password?".

Both are Django's password-reset machinery (``default_token_generator``, the views of
``django.contrib.auth.views``): a link is a user id and a token that signs the user's password
hash, last login and the time it was made, so it stops working once the password is set (the hash
changes) and after ``PASSWORD_RESET_TIMEOUT`` (``LABSITE_PASSWORD_LINK_DAYS``, 7 days). Nothing is
stored: no table of invitations to clean up.

A link must open on its lab's host, where the member's session and their homepage live: from a
request, the request's own host when it serves that lab, else the lab's Site domain with the
request's port kept (``labsite.admin.public_url``); from the command line, the lab's domain
(``base_url_for_lab``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from labsite.admin import public_url
from people.models import Lab, Person

#: Hosts that only ever mean "this machine": ``runserver`` serves them on port 8000.
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def link_days() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)


def set_password_path(user) -> str:
    """The path of ``user``'s one-time set-password page (``password_reset_confirm``)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def base_url_for_lab(lab: Lab) -> str:
    """Where ``lab`` is served, for links made without a request (``manage.py add_member``).

    A local domain (``localhost``, ``*.localhost``, ``127.0.0.1``) is ``runserver``'s
    ``http://…:8000``; any other is served over HTTPS in production.
    """
    domain = lab.site.domain.strip().lower().rstrip("/")
    host, _, port = domain.partition(":")
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        return f"http://{host}:{port or '8000'}"
    return f"https://{domain}"


def lab_url(
    path: str, lab: Lab, *, request: HttpRequest | None = None, base_url: str | None = None
) -> str:
    """``path`` as an absolute URL on ``lab``'s host: the request's, else ``base_url``'s, else
    the lab's domain's."""
    if request is not None and base_url is None:
        url = public_url(request, path, [lab])
        return url if "://" in url else request.build_absolute_uri(url)
    return (base_url or base_url_for_lab(lab)).rstrip("/") + path


def set_password_url(
    user, lab: Lab, *, request: HttpRequest | None = None, base_url: str | None = None
) -> str:
    """The absolute one-time link for ``user``, on ``lab``'s host."""
    return lab_url(set_password_path(user), lab, request=request, base_url=base_url)


def invitation_address(user, person: Person) -> str:
    """Where an invitation goes: the account's email, else the person's."""
    return (getattr(user, user.get_email_field_name(), "") or person.email or "").strip()


def send_invitation(
    *, request: HttpRequest, user, person: Person, lab: Lab, invited_by: str = ""
) -> str:
    """Email ``person`` a one-time link to set the password of ``user`` on ``lab``'s host.

    Returns the address it went to. Raises ``ValueError`` when there is none, and lets the mail
    backend's errors (``smtplib.SMTPException``, ``OSError``) through for the caller to report:
    the login exists either way and the invitation can be sent again.
    """
    address = invitation_address(user, person)
    if not address:
        raise ValueError(f"{person.name} has no email address to send the invitation to.")
    url = set_password_url(user, lab, request=request)
    admin_url = lab_url(reverse("admin:index"), lab, request=request)
    context = {
        "person": person,
        "lab": lab,
        "username": user.get_username(),
        "url": url,
        "admin_url": admin_url,
        "days": link_days(),
        "invited_by": invited_by,
    }
    subject = "".join(render_to_string("registration/invitation_subject.txt", context).splitlines())
    body = render_to_string("registration/invitation_email.txt", context)
    EmailMessage(subject, body, None, [address]).send()
    return address


# -- "Forgotten your password?" ---------------------------------------------------------------


class LabPasswordResetForm(PasswordResetForm):
    """Django's form, with two labsite choices.

    - A user whose password was never set (an invited member whose link expired) may ask for a
      new link: in labsite an unusable password means "not chosen yet", not "signs in elsewhere".
    - The link is on the host the request came to, port included (``domain_override``); the
      lab's Site domain alone would drop ``:8000`` on a local run.
    """

    def get_users(self, email: str):
        User = get_user_model()
        field = User.get_email_field_name()
        users = User._default_manager.filter(**{f"{field}__iexact": email, "is_active": True})
        return (user for user in users if getattr(user, field).casefold() == email.casefold())

    def save(self, domain_override=None, request=None, **kwargs):
        if domain_override is None and request is not None:
            domain_override = request.get_host()
        return super().save(domain_override=domain_override, request=request, **kwargs)


class AdminLookMixin:
    """The admin's header and title on the password pages (they extend ``admin/base_site.html``),
    and the request's lab for the email's wording."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "site_header": admin.site.site_header,
                "site_title": admin.site.site_title,
                "site_url": admin.site.site_url,
                "has_permission": False,
                "link_days": link_days(),
            }
        )
        return context


class PasswordResetView(AdminLookMixin, auth_views.PasswordResetView):
    form_class = LabPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        self.extra_email_context = {
            "lab": getattr(self.request, "lab", None),
            "days": link_days(),
        }
        return super().form_valid(form)


class PasswordResetDoneView(AdminLookMixin, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(AdminLookMixin, auth_views.PasswordResetConfirmView):
    """Sets the password, signs the member in and opens their admin start page."""

    post_reset_login = True
    # Named, so that adding a second authentication backend (login throttling) keeps this working.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("admin:index")


class PasswordResetCompleteView(AdminLookMixin, auth_views.PasswordResetCompleteView):
    pass
