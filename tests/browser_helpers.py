"""The real browser the page tests drive: Debian's headless chromium through chromium-driver.

`make browser` installs both (and a Korean font); Selenium Manager is never used, since it
would try to download a driver.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTH, HEIGHT = 1280, 1000


def chromium(page_load_timeout_s: float = 60):
    """A headless chromium at WIDTH x HEIGHT that asks for English pages (quit it when done)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as ChromeService

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None or not Path(CHROMEDRIVER).exists():
        pytest.fail("no chromium or chromedriver: run `make browser` (installs Debian's chromium and "
                    "chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = exe
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={WIDTH},{HEIGHT}", "--lang=en-US"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    driver = webdriver.Chrome(service=ChromeService(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(page_load_timeout_s)
    return driver
