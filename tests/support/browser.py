"""Headless Chromium from Debian's packages, driven by Selenium: nothing downloaded, nothing fetched."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Chromium still looks up its update and search hosts at start-up: every name resolves
    # to nothing, so no query leaves the machine (the reports are files, they need none).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--dns-prefetch-disable",
    "--no-pings",
)
MISSING = (
    f"the report's browser tests need {CHROMIUM} and {CHROMEDRIVER}: run `make test` (it installs them as root) "
    "or `apt-get install chromium chromium-driver`"
)


def browser_installed() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


def start_chromium(profile: Path, *, width: int = 1400, height: int = 1000):
    """A Selenium driver for Debian's chromium with a fresh profile in ``profile``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # The driver and the browser are given by path, and Selenium Manager is told to stay
    # offline: it has nothing to look up and downloads nothing.
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(120)
    return driver


def open_report(driver, path: Path, timeout: float = 60) -> None:
    """Load a report and wait until its script has drawn every event."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.as_uri())
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return document.documentElement.dataset.ready === '1'"))
