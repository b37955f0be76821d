"""Browser tests run against a live server, so they use transactional databases, which are flushed after each test.

The flush also empties what the migrations created (Wagtail's root page, the default site); the root conftest
restores that data around every transactional test, so the tests do not depend on their order.
"""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in this thread


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 15_000
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser():
    """Debian's chromium, launched through Playwright for one test."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser):
    """One page on a phone-sized screen, in Vietnamese, with downloads allowed."""
    context = browser.new_context(locale="vi-VN", viewport=PHONE, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()
