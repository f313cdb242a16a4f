"""The event report in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven by Selenium, with nothing downloaded and nothing fetched.

The report is built by the command line from the sample articles' recorded extractions; the
tests look at it as a reader would (events and a conflict visible, a click shows the quote) and
save the screenshot the README shows. An article carrying markup must show it as text, and no
script of its may run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractor.reconcile import reconcile_events
from extractor.report import build_report
from tests.support.browser import CHROMEDRIVER, CHROMIUM, MISSING, browser_installed, open_report, start_chromium
from tests.support.hostile import CLOSER, DROPPED, PARTICIPANT, PLEDGE, SCRIPT, TITLE, hostile_article, hostile_extraction
from tests.support.replay import EXAMPLE_ARTICLES
from tests.test_cli import REPO, base_env, run_cli
from tests.test_replay import endpoint, extract_replayed, sentinel  # noqa: F401 - the replay fixtures

SCREENSHOT = REPO / "docs" / "report.png"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not browser_installed():
        pytest.fail(MISSING, pytrace=False)
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory, extract_replayed) -> tuple[Path, int]:
    """The sample articles' report from their recorded extractions (replayed through the real
    pipeline), made as a user makes it: reconcile, then report."""
    folder = tmp_path_factory.mktemp("report")
    extractions = folder / "x.jsonl"
    replayed = [extract_replayed(path) for path in EXAMPLE_ARTICLES]
    extractions.write_text("".join(x.model_dump_json() + "\n" for x in replayed), encoding="utf-8")
    env = base_env(folder)
    reconciled = run_cli(["reconcile", str(extractions)], env=env)
    assert reconciled.returncode == 0, reconciled.stderr
    events = folder / "events.jsonl"
    events.write_text(reconciled.stdout, encoding="utf-8")
    out = folder / "report.html"
    made = run_cli(["report", str(events), "--extractions", str(extractions), "--articles", "examples/articles", "-o", str(out)], env=env)
    assert made.returncode == 0, made.stderr
    return out, len(reconciled.stdout.splitlines())


def seoul_card(driver):
    from selenium.webdriver.common.by import By

    cards = [
        c
        for c in driver.find_elements(By.CSS_SELECTOR, "li.event")
        if "Shinjiro Koizumi" in c.text and "Seoul" in c.find_element(By.CSS_SELECTOR, ".facts").text
    ]
    assert len(cards) == 1, [c.text[:80] for c in cards]
    return cards[0]


def test_the_sample_report_shows_events_a_conflict_and_quotes(browser, sample_report):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    path, event_count = sample_report
    open_report(browser, path)
    cards = browser.find_elements(By.CSS_SELECTOR, "li.event")
    assert len(cards) == event_count > 0  # one card per event (how many the model finds: tests/test_replay.py)
    assert all(card.is_displayed() for card in cards)
    statuses = {card.find_element(By.CSS_SELECTOR, ".badge").text.lower() for card in cards}
    assert "held" in statuses and statuses <= {"held", "planned", "cancelled", "ongoing"}

    # The Seoul defence ministers' meeting: its date conflict, shown in place, in words.
    card = seoul_card(browser)
    _ = card.location_once_scrolled_into_view  # scrolls it into view
    assert "Ahn Gyu-back" in card.text
    conflict = card.find_element(By.CSS_SELECTOR, ".conflict")
    assert conflict.is_displayed()
    assert "Sources disagree on the date" in conflict.text
    chosen = conflict.find_element(By.CSS_SELECTOR, "li.chosen")
    assert chosen.text.startswith("2026-06-28") and "chosen" in chosen.text
    other = [li for li in conflict.find_elements(By.CSS_SELECTOR, "li") if li.text.startswith("--09")]
    assert len(other) == 1 and "in passing" in other[0].text  # which source said which
    assert "about the meeting itself" in conflict.find_element(By.CSS_SELECTOR, ".rule").text
    assert "28 June 2026" in card.find_element(By.CSS_SELECTOR, ".when").text

    # A click on a value shows the article with the quote highlighted.
    panel = browser.find_element(By.ID, "evidence")
    assert not panel.is_displayed()
    other[0].find_element(By.CSS_SELECTOR, "button.value").click()
    assert panel.is_displayed()
    assert browser.find_element(By.CSS_SELECTOR, "#ev-text mark.current").text == "in September"  # the source's date words
    chosen.find_element(By.CSS_SELECTOR, "button.value").click()
    mark = browser.find_element(By.CSS_SELECTOR, "#ev-text mark.current")
    # Both reports that date the meeting 2026-06-28 say so in their own words: "on June 28" in
    # one, "Sunday" (published the next day) in the other; the first source's is shown.
    assert mark.text in ("on June 28", "Sunday") and mark.is_displayed()
    assert "Ahn Gyu" in browser.find_element(By.ID, "ev-text").text  # the article around it
    assert browser.find_element(By.ID, "ev-quote").text == mark.text

    # The same picture on every run: no focus ring, no hover, the card at the top.
    SCREENSHOT.parent.mkdir(exist_ok=True)
    browser.execute_script("document.activeElement.blur()")
    ActionChains(browser).move_to_element_with_offset(browser.find_element(By.TAG_NAME, "h1"), 0, 0).perform()
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -document.querySelector('.top').offsetHeight - 12);", card
    )
    assert browser.save_screenshot(str(SCREENSHOT))
    assert console_errors(browser) == []


def test_filters_narrow_the_timeline(browser, sample_report):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    path, event_count = sample_report
    open_report(browser, path)

    def visible() -> list[str]:
        return [
            c.find_element(By.CSS_SELECTOR, ".title").text for c in browser.find_elements(By.CSS_SELECTOR, "li.event") if c.is_displayed()
        ]

    browser.find_element(By.ID, "f-participant").send_keys("koizumi")
    shown = visible()
    assert {"Ahn–Koizumi meeting in Seoul", "Ahn–Koizumi meeting in Yokosuka"} <= set(shown)
    assert all("Koizumi" in title for title in shown) and len(shown) < event_count
    assert browser.find_element(By.ID, "shown").text == f"showing {len(shown)} of {event_count} events"
    browser.find_element(By.ID, "f-participant").clear()
    everything = visible()
    held = [
        c.find_element(By.CSS_SELECTOR, ".title").text
        for c in browser.find_elements(By.CSS_SELECTOR, "li.event")
        if c.find_element(By.CSS_SELECTOR, ".badge").text.lower() == "held"
    ]
    browser.find_element(By.ID, "f-status-held").click()  # held meetings hidden: the others remain
    assert held and visible() == [title for title in everything if title not in held]
    browser.find_element(By.ID, "f-status-held").click()
    assert visible() == everything
    Select(browser.find_element(By.ID, "f-country")).select_by_value("JP")
    assert visible() and "Lee–Albanese summit in Miami" not in visible()
    Select(browser.find_element(By.ID, "f-country")).select_by_value("")
    Select(browser.find_element(By.ID, "f-domain")).select_by_value("people_exchange")
    shown = visible()
    assert 0 < len(shown) < event_count
    browser.find_element(By.ID, "f-conflicts").click()
    assert all(
        c.find_elements(By.CSS_SELECTOR, ".conflict") for c in browser.find_elements(By.CSS_SELECTOR, "li.event") if c.is_displayed()
    )
    assert console_errors(browser) == []


def test_only_article_links_leave_the_page(browser, sample_report):
    path, _ = sample_report
    open_report(browser, path)
    urls: set[str] = set()
    for button in seoul_card(browser).find_elements("css selector", "button.value"):  # each source in turn
        browser.execute_script("arguments[0].click()", button)
        found = browser.execute_script(
            "return Array.from(document.querySelectorAll('[src],[href]')).map(n => [n.tagName, n.className, n.getAttribute('src') || n.getAttribute('href')])"
        )
        assert all(tag == "A" and cls == "article-link" for tag, cls, _ in found), found
        urls |= {url for _, _, url in found}
    # The only way out of the page: the JSON record's own URL, shown with its article.
    assert urls == {"https://news.example.org/defense/seoul-tokyo-defense-ministers-ai-rescue-drills"}


def test_markup_in_an_article_is_shown_as_text_and_never_runs(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    article = hostile_article()
    extraction = hostile_extraction(article)
    path = tmp_path / "hostile.html"
    path.write_text(build_report(reconcile_events([extraction]), [extraction], [article]), encoding="utf-8")
    open_report(browser, path)

    def nothing_ran() -> None:
        assert browser.execute_script("return typeof window.__pwned") == "undefined"
        assert browser.execute_script("return document.querySelectorAll('img, [onerror]').length") == 0

    nothing_ran()
    [card] = browser.find_elements(By.CSS_SELECTOR, "li.event")
    assert card.find_element(By.CSS_SELECTOR, ".title").text == TITLE
    assert PARTICIPANT in card.text and PLEDGE in card.text
    # The article itself, in the evidence panel, with its markup highlighted as the quote.
    card.find_element(By.XPATH, ".//button[starts-with(normalize-space(.), 'cooperate on')]").click()
    assert browser.find_element(By.CSS_SELECTOR, "#ev-text mark.current").text == PLEDGE
    text = browser.find_element(By.ID, "ev-text").text
    assert SCRIPT in text and CLOSER in text
    assert browser.find_element(By.ID, "ev-title").text == TITLE
    # And the dropped values, opened on demand.
    card.find_element(By.CSS_SELECTOR, ".more summary").click()
    # The list is drawn by the details' "toggle" event, which the browser fires after the click
    # returns: wait for it rather than look at once (a race CI lost once).
    dropped = WebDriverWait(browser, 30).until(lambda _: card.find_elements(By.CSS_SELECTOR, ".dropped"))
    assert DROPPED in dropped[0].text
    nothing_ran()
    assert console_errors(browser) == []


def test_a_page_with_no_events_says_so(browser, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "empty.html"
    path.write_text(build_report([]), encoding="utf-8")
    open_report(browser, path)
    assert browser.find_element(By.CSS_SELECTOR, ".empty").text.startswith("No events")
    assert browser.find_elements(By.CSS_SELECTOR, "li.event") == []


def test_the_browser_is_found_where_make_test_installs_it():
    # Guards the paths above: `make test` installs Debian's packages, which put them here.
    assert shutil.which("chromium") == str(CHROMIUM) and shutil.which("chromedriver") == str(CHROMEDRIVER)
