"""The dashboard in a real headless Chromium (Debian's chromium + chromedriver, Selenium).

A person's day: log in, see the incident, tick a contingency-plan step, search history;
and crawled `<script>` / `<img onerror>` payloads render as text and never run. Every page
is screenshotted (to $BRANDGUARD_SCREENSHOTS, else the test's temp folder) and the browser
console is checked for Content-Security-Policy violations and script errors.

Without Chromium the tests skip with the reason, except where BRANDGUARD_REQUIRE_BROWSER=1
(CI sets it), where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from tests.web.conftest import PASSWORD, XSS_TEXT

if TYPE_CHECKING:
    from collections.abc import Iterator

    from selenium.webdriver.remote.webdriver import WebDriver

    from tests.web.conftest import World

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    if not (CHROMIUM and DRIVER):
        reason = ("Chromium and chromedriver are needed for the browser tests "
                  "(apt-get install chromium chromium-driver)")
        if os.environ.get("BRANDGUARD_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; BRANDGUARD_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1100", "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("BRANDGUARD_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_for(driver: WebDriver, condition: object, timeout: float = 30) -> object:
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(  # a page may be reloading
        NoSuchElementException, StaleElementReferenceException)).until(condition)  # type: ignore[arg-type]


def console_problems(driver: WebDriver) -> list[str]:
    """Errors in the console: CSP violations, script errors, failed loads."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "favicon" not in entry["message"]]


def login(driver: WebDriver, world: World, path: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(world.url + "/login")
    driver.delete_all_cookies()  # each test starts logged out
    driver.get(world.url + path)
    wait_for(driver, ec.presence_of_element_located((By.ID, "login-form")))
    driver.find_element(By.ID, "username").send_keys(world.users["anxi-tea"])
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login").click()
    wait_for(driver, ec.url_to_be(world.url + path))


def test_log_in_see_the_incident_and_tick_a_checklist_step(
        browser: WebDriver, web_world: World, shots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    login(browser, web_world, "/")
    # the overview: charts drawn by the packaged ECharts, live list refreshed from the API
    wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "#trend-chart canvas")))
    wait_for(browser, ec.text_to_be_present_in_element((By.ID, "live-stamp"), "更新于"))
    live = browser.find_element(By.ID, "open-incidents").text
    assert "八马茶业 · 质量安全" in live
    progress = [c.text for c in browser.find_elements(By.CSS_SELECTOR,
                                                      "#open-incidents td.progress")]
    assert progress
    assert all(c.split()[0].count("/") == 1 for c in progress)  # redrawn live: done/total
    browser.save_screenshot(str(shots / "01-overview.png"))
    assert console_problems(browser) == []

    incident = web_world.incidents["anxi-tea"]
    browser.find_element(By.CSS_SELECTOR,
                         f'#open-incidents a[href="/incidents/{quote(incident)}"]').click()
    wait_for(browser, ec.presence_of_element_located((By.ID, "checklist")))
    wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "#signal-chart canvas")))
    step = browser.find_element(By.ID, "step-verify")
    assert "done" not in (step.get_attribute("class") or "")
    step.find_element(By.NAME, "note").send_keys("已核实：来源为市场监管局通报")
    step.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "done" in (d.find_element(By.ID, "step-verify")
                                           .get_attribute("class") or ""))
    step = browser.find_element(By.ID, "step-verify")
    assert "王秘书" in step.text
    assert "已核实：来源为市场监管局通报" in step.text
    assert "完成步骤 核实信息来源与涉事产品批次 — 已核实" in browser.find_element(By.ID, "timeline").text
    browser.save_screenshot(str(shots / "02-incident.png"))
    assert console_problems(browser) == []
    stored = web_world.store().get_incident(incident)
    assert stored is not None
    done = next(s for s in stored.checklist if s.id == "verify")
    assert done.done_by == "王秘书"


def test_history_search_highlights_hits_and_crawled_markup_stays_text(
        browser: WebDriver, web_world: World, shots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    login(browser, web_world, "/search")
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys("新品")
    browser.find_element(By.ID, "search").click()
    wait_for(browser, ec.text_to_be_present_in_element((By.ID, "result-count"), "共"))
    hits = browser.find_element(By.ID, "hits")
    assert hits.find_elements(By.TAG_NAME, "mark")
    assert {m.text for m in hits.find_elements(By.TAG_NAME, "mark")} == {"新品"}
    # the payloads are visible as text and never ran
    assert "<script>window.__xss=1</script>" in hits.text
    assert '"><img src=x onerror="window.__xss=2">' in hits.text
    assert "{{7*7}}" in hits.text
    assert hits.find_elements(By.CSS_SELECTOR, "img") == []
    assert browser.execute_script("return window.__xss === undefined") is True
    browser.save_screenshot(str(shots / "03-search.png"))

    browser.get(f"{web_world.url}/incidents/{quote(web_world.incidents['anxi-tea'])}")
    evidence = browser.find_element(By.ID, "evidence")
    assert XSS_TEXT[:20] in evidence.text
    assert evidence.find_elements(By.CSS_SELECTOR, "img") == []
    assert browser.execute_script("return window.__xss === undefined") is True
    assert console_problems(browser) == []


def test_report_page_picks_a_period_and_offers_the_downloads(
        browser: WebDriver, web_world: World, shots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    login(browser, web_world, "/reports?brand=bama")
    browser.find_element(By.CSS_SELECTOR, "#presets a[data-period=month]").click()
    wait_for(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#report h1"),
                                                       "八马茶业舆情报告（"))
    assert "active" in (browser.find_element(
        By.CSS_SELECTOR, "#presets a[data-period=month]").get_attribute("class") or "")
    for field, value in (("report-from", "2026-11-13"), ("report-to", "2026-11-21")):
        box = browser.find_element(By.ID, field)
        browser.execute_script("arguments[0].value = arguments[1]", box, value)
    browser.find_element(By.ID, "report-show").click()
    wait_for(browser, ec.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "#report h1"), "八马茶业舆情报告（2026-11-13 至 2026-11-21）"))
    report = browser.find_element(By.ID, "report")
    assert "风险事件" in report.text
    assert "质量安全" in report.text
    assert report.find_elements(By.CSS_SELECTOR, "figure.chart svg")
    href = browser.find_element(By.ID, "download-pdf").get_attribute("href") or ""
    assert href.endswith("/api/v1/reports/bama?from=2026-11-13&to=2026-11-21&format=pdf")
    assert browser.execute_script("return window.__xss") is None
    browser.save_screenshot(str(shots / "05-report.png"))
    assert console_problems(browser) == []


def test_evaluation_page_takes_a_manual_value_from_a_person(
        browser: WebDriver, web_world: World, shots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    login(browser, web_world, "/evaluations?brand=bama&year=2026")
    wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "#evaluation svg")))
    assert "八马茶业2026年度区域品牌建设评价报告" in browser.find_element(By.ID, "evaluation").text
    row = browser.find_element(By.ID, "value-trademark_licensees")
    row.find_element(By.NAME, "value").send_keys("26")
    row.find_element(By.NAME, "note").send_keys("授权台账")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "26" in d.find_element(By.ID, "value-trademark_licensees").text)
    recorded = browser.find_element(By.ID, "value-trademark_licensees").text
    assert web_world.users["anxi-tea"] in recorded
    assert "综合得分" in browser.find_element(By.ID, "evaluation-total").text
    browser.save_screenshot(str(shots / "06-evaluation.png"))
    assert console_problems(browser) == []


def test_a_member_page_lists_only_its_own_incidents_after_the_live_refresh(
        browser: WebDriver, web_world: World, shots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    login(browser, web_world, "/?brand=anxi-group")  # a member with no incident
    wait_for(browser, ec.text_to_be_present_in_element((By.ID, "live-stamp"), "更新于"))
    live = browser.find_element(By.ID, "open-incidents").text
    assert "暂无未结事件" in live
    assert "八马茶业" not in live  # its sibling member's incident is not its own
    # no mention in the period: the trend says so rather than drawing an empty frame
    trend = browser.find_element(By.ID, "trend-chart")
    assert trend.text == "暂无数据"
    assert not browser.find_elements(By.CSS_SELECTOR, "#trend-chart canvas")
    browser.save_screenshot(str(shots / "07-member-overview.png"))
    assert console_problems(browser) == []


PAGES = {"overview": "/", "incidents": "/incidents", "search": "/search?q=%E8%8C%B6",
         "reports": "/reports", "evaluations": "/evaluations"}


@pytest.mark.parametrize("width", [1400, 420])
def test_every_page_lays_out_at_desktop_and_phone_width(
        browser: WebDriver, web_world: World, shots: Path, width: int) -> None:
    """At 420 px the nav wraps whole links (no character per line) and no page is wider than
    the screen; each page is saved at both widths for a person to look at."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    login(browser, web_world, "/")
    browser.set_window_size(width, 1000)
    try:
        for name, path in PAGES.items():
            browser.get(web_world.url + path)
            wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "main")))
            links = browser.find_elements(By.CSS_SELECTOR, "header.top nav a")
            assert len(links) == 5, name
            tallest = max(link.size["height"] for link in links)
            line = float(browser.execute_script(
                "return parseFloat(getComputedStyle(arguments[0]).lineHeight)", links[0]))
            assert tallest <= line * 1.2, (name, width, tallest, line)  # one line each
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (name, width, overflow)
            browser.save_screenshot(str(shots / f"{width}-{name}.png"))
        assert console_problems(browser) == []
    finally:
        browser.set_window_size(1400, 1100)
