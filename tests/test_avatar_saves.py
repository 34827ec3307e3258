"""A member with a photo keeps being able to save their profile (issue 7).

After an avatar upload every later save of the person form failed with "Upload a valid image":
the field's validator re-read the stored file, which Django had already closed. The form is
saved here as a browser would — what the page holds, nothing hand-picked.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from labsite.management.commands.setup_demo import import_examples
from labsite.setup import ensure_default_lab
from people.models import Person
from tests import factories as f
from tests.admin_forms import change_form_data
from tests.browser.conftest import png

pytestmark = pytest.mark.django_db


def change_url(person: Person) -> str:
    return f"/admin/people/person/{person.pk}/change/"


def save_unchanged(client, person: Person):
    data = change_form_data(client.get(change_url(person)))
    data["_continue"] = "Save and continue editing"
    return client.post(change_url(person), data)


def test_upload_a_photo_then_save_twice_unchanged(client, alice):
    person = alice.person
    client.force_login(alice.user)

    data = change_form_data(client.get(change_url(person)))
    data["avatar"] = png(900, 700, (40, 90, 160), label="me")
    response = client.post(change_url(person), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    stored = person.avatar.name
    assert stored.startswith("avatars/") and stored.endswith(".png")
    assert (person.avatar_width, person.avatar_height) == (900, 700)
    assert person.avatar_thumbnail.name.startswith("avatars/thumbs/")

    for _ in range(2):
        response = save_unchanged(client, person)
        assert response.status_code == 302, (
            response.context["adminform"].form.errors if response.context else response
        )
        person.refresh_from_db()
        assert person.avatar.name == stored  # kept, not re-uploaded or dropped

    page = client.get(person.get_absolute_url(), HTTP_HOST="lab-a.localhost")
    assert person.avatar_thumbnail.url.encode() in page.content


def test_a_new_bad_upload_is_still_refused(client, alice):
    person = alice.person
    client.force_login(alice.user)
    data = change_form_data(client.get(change_url(person)))
    data["avatar"] = SimpleUploadedFile("me.png", b"not an image at all", "image/png")
    response = client.post(change_url(person), data)
    assert response.status_code == 200
    assert "avatar" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert not person.avatar


def test_example_members_with_photos_save_unchanged(client, admin_user):
    lab, _ = ensure_default_lab()
    import_examples(lab)
    with_photos = list(Person.objects.exclude(avatar="").order_by("slug"))
    assert [p.slug for p in with_photos] == ["helena-marsh", "priya-raman", "tomas-okafor"]
    client.force_login(admin_user)
    for person in with_photos:
        response = save_unchanged(client, person)
        assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.mark.parametrize(("width", "with_rendition"), [(300, False), (1600, True)])
def test_a_project_with_a_figure_saves_unchanged_twice(client, alice, width, with_rendition):
    project = alice.project
    figure = f.FigureFactory(project=project, image=png(width, 200, (20, 120, 60), label="fig"))
    assert bool(figure.rendition) is with_rendition
    client.force_login(alice.user)
    url = f"/admin/research/project/{project.pk}/change/"
    for _ in range(2):
        data = change_form_data(client.get(url))
        data["_continue"] = "Save and continue editing"
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
    figure.refresh_from_db()
    assert (figure.width, bool(figure.rendition)) == (width, with_rendition)
