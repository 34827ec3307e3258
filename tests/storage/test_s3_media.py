"""Issue 9 item 8: media on an S3-compatible bucket (moto's standalone server, a real HTTP
server in its own process) when the environment names one.

An avatar uploaded through the admin's change form lands in the bucket with its thumbnail and
WebP copies, and the member page's ``<img>`` URLs are the bucket's; a markdownx upload, the
``make_renditions`` command and a backup export work on the bucket; nothing is written under
``MEDIA_ROOT``.
"""

from __future__ import annotations

import io
import re
import zipfile

import httpx
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from labsite.backup import export_lab
from labsite.s3 import s3_media
from people.models import Person
from tests.admin_forms import change_form_data
from tests.browser.conftest import png
from tests.storage.s3server import moto_server, new_bucket

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_endpoint():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint, settings):
    bucket = new_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": bucket.storage}
    settings.MEDIA_URL = bucket.media_url
    return bucket


def image_urls(html: str) -> list[str]:
    urls = re.findall(r'<img[^>]* src="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls += [candidate.split()[0] for candidate in srcset.split(",")]
    return urls


def test_settings_turn_the_bucket_on_only_when_named():
    assert s3_media({}) is None
    conf = s3_media({"LABSITE_S3_BUCKET": "b", "AWS_S3_CUSTOM_DOMAIN": "media.example.org"})
    assert conf["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert conf["media_url"] == "https://media.example.org/media/"
    assert conf["img_src"] == []  # https: is allowed already
    local = s3_media({"LABSITE_S3_BUCKET": "b", "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"})
    assert local["media_url"] == "http://127.0.0.1:9000/b/media/"
    assert local["img_src"] == ["http://127.0.0.1:9000"]


def test_avatar_uploaded_in_the_admin_lands_in_the_bucket(client, alice, bucket, settings):
    assert default_storage.__class__.__name__ == "S3Storage"
    person = alice.person
    client.force_login(alice.user)
    change = f"/admin/people/person/{person.pk}/change/"
    data = change_form_data(client.get(change))
    data["avatar"] = png(800, 600, (40, 90, 160), label="me")
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    person.refresh_from_db()
    stored = {person.avatar.name, person.avatar_thumbnail.name, *person.rendition_names()}
    assert len(person.rendition_names()) == 4  # 80, 160, 320, 480 px
    assert {f"media/{name}" for name in stored} <= bucket.object_keys()
    assert not (settings.MEDIA_ROOT.exists() and any(settings.MEDIA_ROOT.rglob("*")))

    page = client.get(person.get_absolute_url(), HTTP_HOST="lab-a.localhost")
    urls = image_urls(page.content.decode())
    assert len(urls) == 5  # the thumbnail (fallback) and the four WebP copies
    assert all(url.startswith(bucket.media_url) for url in urls), urls
    for url in urls:  # served by the bucket, as the browser would fetch them
        fetched = httpx.get(url)
        assert fetched.status_code == 200 and fetched.content[:4] in {b"RIFF", b"\x89PNG"}
    head = bucket.client.head_object(Bucket=bucket.name, Key=f"media/{person.avatar.name}")
    assert "immutable" in head["CacheControl"]

    # Replacing the photo deletes the old copies from the bucket once the save commits.
    old = set(person.rendition_names())
    data = change_form_data(client.get(change))
    data["avatar"] = png(700, 700, (160, 90, 40), label="new")
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            assert client.post(change, data).status_code == 302
    person.refresh_from_db()
    keys = bucket.object_keys()
    assert not {f"media/{name}" for name in old} & keys
    assert {f"media/{name}" for name in person.rendition_names()} <= keys


def test_markdownx_upload_lands_in_the_bucket(client, alice, bucket):
    client.force_login(alice.user)
    response = client.post(
        "/markdownx/upload/",
        {"image": png(300, 200, (10, 120, 60), label="inline")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200, response.content
    url = re.search(r"\]\(([^)]+)\)", response.json()["image_code"]).group(1)
    assert url.startswith(bucket.media_url + "uploads/")
    assert "media/" + url[len(bucket.media_url) :] in bucket.object_keys()


def test_make_renditions_and_backup_read_the_bucket(alice, lab_a, bucket, tmp_path):
    person = alice.person
    person.avatar.save("me.png", png(800, 600, (40, 90, 160)), save=True)
    names = person.rendition_names()
    Person.objects.filter(pk=person.pk).update(avatar_renditions=[])  # as before renditions
    call_command("make_renditions", stdout=io.StringIO())
    person.refresh_from_db()
    assert len(person.rendition_names()) == 4 and person.rendition_names() != names
    assert {f"media/{n}" for n in person.rendition_names()} <= bucket.object_keys()

    export_lab(lab=lab_a, path=tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        held = {n.removeprefix("media/") for n in archive.namelist() if n.startswith("media/")}
    assert {person.avatar.name, person.avatar_thumbnail.name, *person.rendition_names()} <= held
