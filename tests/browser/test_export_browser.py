"""A static export served by a plain static server, crawled in Chromium (issue 9, item 5).

The lab is the browser tests' full one (photos, figures, math, news, alumni, projects), plus what
a real site adds: an image a member uploaded through markdownx, an absolute link to the lab's
own host in a member's text, an old address (``Redirect``). It is exported with
``manage.py export_site``, served by Python's ``http.server`` (no Django anywhere), and crawled
from the home page: every same-site ``<a href>`` is opened, and every ``href``, ``src`` and
``srcset`` of every page — links, images, stylesheets, scripts, feeds, BibTeX files — and every
request the browser makes itself (KaTeX's fonts) must answer 200.
"""

from __future__ import annotations

import functools
import http.server
import io
import threading
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from labsite.models import Redirect
from people.models import Lab, Person
from tests.browser.conftest import build_lab, png

pytestmark = pytest.mark.browser

OK = {200, 304}
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}

#: Every URL attribute of the page, resolved by the browser, with the element's tag.
URLS = """() => {
  const found = [];
  for (const el of document.querySelectorAll("[href], [src], [srcset]")) {
    if (el.closest("svg")) continue;  // <use href="#i-feed">: icons of the page itself
    for (const name of ["href", "src"]) {
      const value = el.getAttribute(name);
      if (value !== null) found.push([el.tagName, name, new URL(value, document.baseURI).href]);
    }
    const set = el.getAttribute("srcset");
    if (set) for (const part of set.split(",")) {
      const url = part.trim().split(/\\s+/)[0];
      if (url) found.push([el.tagName, "srcset", new URL(url, document.baseURI).href]);
    }
  }
  return found;
}"""


STYLED = """() => ({
  wrap: getComputedStyle(document.querySelector(".site-header .wrap")).display,
  margin: getComputedStyle(document.body).margin,
  width: document.documentElement.scrollWidth,
  math: document.documentElement.getAttribute("data-math"),
})"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output readable
        pass


@pytest.fixture
def exported(db, tmp_path) -> Path:
    build_lab()
    lab = Lab.objects.get(slug="nexus")
    lena = Person.objects.get(name="Lena Varkonyi")
    upload = png(320, 200, (90, 40, 120), label="upload")
    name = default_storage.save("uploads/2026/01/poster.png", ContentFile(upload.read()))
    lena.bio += (
        f"\n\n![Our poster]({default_storage.url(name)})\n\n"
        f"I work with [Jin](https://{lab.site.domain}/people/jin-tao/)."
    )
    lena.save()
    Redirect.objects.create(lab=lab, old_path="/lena.html", new_path=lena.get_absolute_url())
    directory = tmp_path / "site"
    call_command("export_site", "--lab", "nexus", str(directory), stdout=io.StringIO())
    return directory


@pytest.fixture
def static_server(exported):
    handler = functools.partial(QuietHandler, directory=str(exported))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_exported_site_has_no_broken_link_and_renders_styled(static_server, browser, screenshots):
    origin = static_server
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    answered: dict[str, int] = {}  # every request the browser made, and its status
    failed: list[str] = []
    page.on("response", lambda r: answered.setdefault(r.url, r.status))
    # ERR_ABORTED: the crawl moved on before a lazy image or the icon arrived; those URLs are
    # asked for again below, like every other one the page names.
    page.on(
        "requestfailed",
        lambda r: None if "ERR_ABORTED" in (r.failure or "") else failed.append(r.url),
    )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} ({m.location.get('url', '')})") if m.type == "error" else None
        ),
    )  # the failing address is in the message: a 404's text alone does not name it

    pages, queue = set(), [origin + "/"]
    referenced: dict[str, str] = {}  # same-site URL -> the first page naming it
    on_live_host: set[str] = set()  # links left on the lab's live host (https://localhost/…)
    try:
        while queue:
            url = queue.pop()
            if url in pages:
                continue
            pages.add(url)
            response = page.goto(url, wait_until="load")
            assert response is not None and response.status == 200, url
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            for tag, _name, found in page.evaluate(URLS):
                found = urldefrag(found).url
                if not found.startswith(origin + "/"):
                    if urlsplit(found).hostname == "localhost":
                        on_live_host.add(urlsplit(found).path)
                    continue
                referenced.setdefault(found, url)
                if (
                    tag == "A"
                    and found not in pages
                    and not found.endswith((".bib", ".xml", ".pdf"))
                ):
                    queue.append(found)
        page.wait_for_load_state("networkidle")  # KaTeX, loaded on demand, and its fonts
        # Everything named by a page but not opened as one: images, styles, scripts, feeds, .bib.
        # (304: the browser's cached copy is current — the file is there.)
        for found, where in sorted(referenced.items()):
            if found not in answered:
                answered[found] = page.request.get(found).status
            assert answered[found] in OK, f"{found} (on {where}) answered {answered[found]}"
        broken = {url: status for url, status in answered.items() if status not in OK}
        assert broken == {}
        assert failed == []
        assert errors == []
        paths = {urlsplit(url).path for url in pages | set(referenced)}
        # The crawl reached each kind of page, and the files those pages use.
        for path in [
            "/people/",
            "/people/lena-varkonyi/",
            "/people/lena-varkonyi/publications/",
            "/people/lena-varkonyi/publications.bib",
            "/research/split-learning-on-battery-limited-devices/",
            "/publications/",
            "/publications/year=2023/",
            "/publications.bib",
            "/news/",
            "/feeds/news.xml",
        ]:
            assert path in paths, path
        assert any(p.startswith("/media/avatars/") for p in paths)
        assert any(p.startswith("/media/figures/") for p in paths)
        assert "/media/uploads/2026/01/poster.png" in paths
        assert any(p.startswith("/static/vendor/katex/fonts/") for p in map(_path, answered))
        # Only the admin link stays on the lab's live host; never one of the lab's pages.
        assert on_live_host == {"/admin/"}
        assert page.request.get(origin + "/lena.html").status == 200  # the old address
        page.goto(origin + "/lena.html")
        page.wait_for_url(origin + "/people/lena-varkonyi/")
        for viewport, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            page.goto(origin + "/", wait_until="networkidle")
            styled = page.evaluate(STYLED)
            page.screenshot(path=str(screenshots / f"export-home-{viewport}.png"), full_page=True)
            assert styled["wrap"] == "flex" and styled["margin"] == "0px", viewport  # site.css
            assert styled["width"] <= size["width"], viewport  # no sideways scrolling
            assert styled["math"] == "ready", viewport  # KaTeX loaded from the export
    finally:
        context.close()


def _path(url: str) -> str:
    return urlsplit(url).path
