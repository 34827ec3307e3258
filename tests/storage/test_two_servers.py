"""Issue 9 item 8: beyond one machine — PostgreSQL, Redis and an S3-compatible bucket together,
with two app processes.

Two gunicorn processes (on two ports, as on two machines) share the test's PostgreSQL database,
Redis db 14 (cache and page cache) and a bucket on moto's standalone S3 server; neither has a
media folder of its own. A member signs in on server A and uploads a photo and a new position
through the admin's change form; server B — which had the page cached before — serves the new
page at once, its images from the bucket. Then an edit through B is served by A.

Needs PostgreSQL (DATABASE_URL, as CI runs the suite a second time); on SQLite it is skipped:
two processes on one SQLite file is not the deployment this test stands for.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.db import connection

from people.models import Person
from tests.admin_forms import AdminFormFields
from tests.browser.conftest import png
from tests.storage.s3server import free_port, moto_server, new_bucket

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def postgres_url() -> str:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI runs it there)")
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    client.flushdb()
    yield client
    client.flushdb()


def start_gunicorn(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with log.open("wb") as output:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "labsite.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--timeout=60",
                "--log-level=warning",
            ],
            env=env,
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer: {log.read_text()[-3000:]}")
        time.sleep(0.2)


def sign_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/admin/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": "alice",
            "password": "pw",
            "next": "/admin/",
        },
    )
    assert response.status_code == 302, response.text[-2000:]
    return client


def save_person(client: httpx.Client, person: Person, files=None, **changes) -> None:
    url = f"/admin/people/person/{person.pk}/change/"
    form = AdminFormFields("person_form")
    form.feed(client.get(url).text)
    data = {**form.data, **{k: [v] for k, v in changes.items()}, "_continue": ["Save"]}
    response = client.post(url, data=data, files=files)
    assert response.status_code == 302, re.findall(
        r'class="errorlist[^>]*>(.*?)</ul>', response.text
    )


def image_urls(html: str) -> list[str]:
    urls = re.findall(r'<img[^>]* src="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls += [candidate.split()[0] for candidate in srcset.split(",")]
    return urls


def test_an_edit_through_one_server_is_served_by_the_other(postgres_url, redis_db, alice, tmp_path):
    person = alice.person
    with moto_server() as endpoint:
        bucket = new_bucket(endpoint)
        env = {
            **os.environ,
            **bucket.env,
            "DJANGO_SETTINGS_MODULE": "labsite.settings",
            "DJANGO_DEBUG": "0",
            "LABSITE_PAGE_CACHE": "1",
            "DATABASE_URL": postgres_url,
            "REDIS_URL": REDIS_URL,
            "MEDIA_ROOT": str(tmp_path / "no-media-here"),
        }
        servers = []
        try:
            for name in ("a", "b"):
                servers.append(start_gunicorn(env, tmp_path / f"gunicorn-{name}.log"))
            (_, a), (_, b) = servers
            member_page = person.get_absolute_url()

            before = httpx.get(b + member_page)
            assert before.status_code == 200 and "Research fellow" not in before.text
            assert httpx.get(b + member_page).headers.get("X-Page-Cache") == "hit"

            photo = png(900, 900, (40, 90, 160), label="me").read()
            with closing(sign_in(a)) as member:
                save_person(
                    member,
                    person,
                    files={"avatar": ("me.png", photo, "image/png")},
                    position="Research fellow",
                )

            after = httpx.get(b + member_page)
            assert "Research fellow" in after.text
            urls = image_urls(after.text)
            assert len(urls) == 5, urls  # thumbnail and four WebP copies
            assert all(url.startswith(bucket.media_url) for url in urls), urls
            assert urlsplit(bucket.media_url).netloc in after.headers["Content-Security-Policy"]
            for url in urls:
                assert httpx.get(url).status_code == 200
            # The row as the servers wrote it (not a model: this process has no bucket set).
            row = Person.objects.values("avatar", "avatar_renditions").get(pk=person.pk)
            keys = bucket.object_keys()
            assert f"media/{row['avatar']}" in keys
            assert {f"media/{r['name']}" for r in row["avatar_renditions"]} <= keys
            assert not (tmp_path / "no-media-here").exists()

            # And the other way round: an edit through B, served by A (cached there first).
            assert "Research fellow" in httpx.get(a + member_page).text
            with closing(sign_in(b)) as member:
                save_person(member, person, position="Assistant professor")
            assert "Assistant professor" in httpx.get(a + member_page).text
            assert redis_db.dbsize() > 0  # the two servers' cache is the shared Redis db
        finally:
            for process, _ in servers:
                process.terminate()
            for process, _ in servers:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
