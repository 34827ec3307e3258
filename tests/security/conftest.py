"""Shared by the security tests: the public tests' page-cache switch."""

from __future__ import annotations

import pytest


@pytest.fixture
def no_page_cache(settings):
    settings.LABSITE_PAGE_CACHE = False
