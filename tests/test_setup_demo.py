"""``make run``'s banner names the address the server really listens on."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from labsite.management.commands.setup_demo import server_url


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", "8000", "http://127.0.0.1:8000"),
        ("127.0.0.1", "8123", "http://127.0.0.1:8123"),
        ("0.0.0.0", "9000", "http://127.0.0.1:9000"),
        ("localhost", "8001", "http://localhost:8001"),
        ("::1", "8000", "http://[::1]:8000"),
    ],
)
def test_server_url_is_the_address_to_open(host, port, url):
    assert server_url(host, port) == url


def test_banner_prints_the_chosen_port_for_every_address(db, monkeypatch, tmp_path):
    # No example content: the banner alone is under test.
    monkeypatch.setattr("labsite.management.commands.setup_demo.EXAMPLES", tmp_path)
    out = StringIO()
    call_command("setup_demo", "--host", "127.0.0.1", "--port", "8123", stdout=out)
    lines = [line.strip() for line in out.getvalue().splitlines() if "http" in line]
    assert lines == [
        "labsite is starting on http://127.0.0.1:8123/",
        "Admin: http://127.0.0.1:8123/admin/",
    ]
