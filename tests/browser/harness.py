"""Driving the installed console in headless Debian Chromium: one :class:`Browser` per journey
with helpers per step (log in, open, fill, choose, click, act on a case), a screenshot of every
step, and the checks every journey ends with: nothing requested from outside the server, no
4xx/5xx answer, no JavaScript error."""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import ElementClickInterceptedException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.crawl import ENGLISH_UI, INTERNALS, visible_text

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1366,900", "--lang=zh-CN",
]
OUTPUT = pathlib.Path(__file__).resolve().parents[2] / "test-output" / "browser"
WAIT = 15


def available() -> bool:
    return pathlib.Path(CHROMIUM).exists() and pathlib.Path(CHROMEDRIVER).exists()


class Browser:
    """One Chromium with a fresh profile, pointed at one served console."""

    def __init__(self, base: str, name: str) -> None:
        self.base = base
        self.profile = tempfile.mkdtemp(prefix="onewindow-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(60)
        self.shots = OUTPUT / name
        shutil.rmtree(self.shots, ignore_errors=True)
        self.shots.mkdir(parents=True)
        self.step = 0
        self.requests: list[str] = []
        self.responses: list[tuple[str, int]] = []
        self.console: list[str] = []

    # ------------------------------------------------------------------ steps

    def screenshot(self, label: str) -> None:
        """Save this step's picture; a Chinese page is also read for English interface words
        and internals (reprs, None, ids)."""
        self.step += 1
        slug = re.sub(r"[^\w-]+", "-", label).strip("-")
        self.driver.save_screenshot(str(self.shots / f"{self.step:02d}-{slug}.png"))
        self.collect_logs()
        self.check_language(label)

    def language(self) -> str:
        scripts = self.all("script[data-locale]")
        return scripts[0].get_attribute("data-locale") if scripts else ""

    def check_language(self, label: str) -> None:
        if not self.language().startswith("zh"):
            return
        source = self.driver.page_source
        english = sorted(set(ENGLISH_UI.findall(visible_text(source))))
        assert not english, f"English on the Chinese page at step {label!r}: {english}"
        internals = sorted(set(INTERNALS.findall(visible_text(source))))
        assert not internals, f"internals on screen at step {label!r}: {internals}"

    def open(self, path: str) -> None:
        self.driver.get(urllib.parse.urljoin(self.base, path))
        self.wait_ready()

    def wait_ready(self) -> None:
        WebDriverWait(self.driver, WAIT).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )

    def login(self, username: str, password: str) -> None:
        self.open("/logout/")
        self.open("/login/")
        self.fill("#username", username)
        field = self.find("#password")
        field.send_keys(password)
        with self.navigation():
            field.submit()
        assert "/login" not in self.driver.current_url, f"{username} could not log in"

    def find(self, css: str, within: WebElement | None = None) -> WebElement:
        root = within or self.driver
        return WebDriverWait(self.driver, WAIT).until(
            lambda d: next((e for e in root.find_elements(By.CSS_SELECTOR, css)
                            if e.is_displayed()), None),
            message=f"no visible {css} on {self.driver.current_url}",
        )

    def all(self, css: str, within: WebElement | None = None) -> list[WebElement]:
        return (within or self.driver).find_elements(By.CSS_SELECTOR, css)

    def fill(self, css: str, text: str, within: WebElement | None = None) -> None:
        field = self.find(css, within)
        field.clear()
        field.send_keys(text)

    def set_value(self, css: str, value: str) -> None:
        """Inputs whose typing is locale-specific (dates): set the value as a user's pick would."""
        self.driver.execute_script(
            "var e = document.querySelector(arguments[0]); e.value = arguments[1];"
            "e.dispatchEvent(new Event('change', {bubbles: true}));", css, value,
        )

    def choose(self, css: str, *texts: str) -> None:
        """Pick options of a select (plain or select2) by their visible text."""
        chosen = self.driver.execute_script(
            """
            var select = document.querySelector(arguments[0]), wanted = arguments[1], values = [];
            for (var i = 0; i < select.options.length; i++) {
              var option = select.options[i];
              if (wanted.some(function (t) { return option.text.indexOf(t) >= 0; })) {
                values.push(option.value);
              }
            }
            if (window.jQuery) { jQuery(select).val(select.multiple ? values : values[0])
                                   .trigger('change'); }
            else { select.value = values[0]; }
            return values.length;
            """,
            css, list(texts),
        )
        assert chosen >= len(texts), f"{css}: no option {texts}"

    def click(self, css: str, within: WebElement | None = None) -> None:
        element = self.find(css, within)
        WebDriverWait(self.driver, WAIT).until(ec.element_to_be_clickable(element))
        self.press(element)

    def press(self, element: WebElement) -> None:
        """Click like a mouse; a tooltip left over the target by the last hover fades once the
        pointer moves onto the target, so move there and try again."""
        for _ in range(20):
            try:
                element.click()
                return
            except ElementClickInterceptedException:
                ActionChains(self.driver).move_to_element(element).perform()
                time.sleep(0.2)
        element.click()

    def submit(self, css: str = "form button[type=submit]", within: WebElement | None = None):
        with self.navigation():
            self.click(css, within)

    def save(self) -> None:
        """Submit a record form and check it was accepted (no field error, no error message)."""
        self.submit()
        errors = [e.text for e in self.all(".has-error, .text-danger, .alert-danger, .ow-error")
                  if e.text.strip()]
        assert not errors, f"the form was refused on {self.driver.current_url}: {errors}"

    def navigation(self) -> _Navigation:
        return _Navigation(self)

    def text(self) -> str:
        return self.find("body").text

    def flashes(self) -> list[str]:
        return [e.text for e in self.all(".alert")]

    def assert_flash(self, *words: str) -> None:
        shown = " ".join(self.flashes())
        for word in words:
            assert word in shown, f"{word!r} not in the messages {shown!r}"

    # ------------------------------------------------------------------ a case page

    def act(self, action: str, within: WebElement | None = None, note: str | None = None,
            **fields: str) -> None:
        """Press a case action's button (``[data-action=...]``), filling its note and fields,
        and confirm it when a confirmation (``[data-action-confirm=...]``) appears."""
        button = self.find(f"[data-action={action}]", within)
        form = button.find_element(By.XPATH, "./ancestor::form[1]")
        if note is not None:
            self.fill("[name=note]", note, form)
        for name, value in fields.items():
            target = self.find(f"[name={name}]", form)
            if target.tag_name == "select":
                self.driver.execute_script(
                    "arguments[0].value = arguments[1]; arguments[0].dispatchEvent("
                    "new Event('change', {bubbles: true}));", target, value)
            else:
                target.clear()
                target.send_keys(value)
        # A consequential action's button opens a dialog whose button submits form ``target``.
        target = button.get_attribute("data-form")
        with self.navigation():
            self.press(button)
            confirm = self.all(f"[data-action-confirm={action}][form={target}]") if target else []
            if confirm:
                WebDriverWait(self.driver, WAIT).until(lambda d: confirm[0].is_displayed())
                self.press(confirm[0])

    def case_state(self) -> str:
        return self.find("[data-case-state]").get_attribute("data-case-state")

    def subtask_row(self, agency: str) -> WebElement:
        return self.find(f"tr[data-agency='{agency}']")

    # ------------------------------------------------------------------ logs and checks

    def collect_logs(self) -> None:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.requestWillBeSent":
                self.requests.append(params["request"]["url"])
            elif message["method"] == "Network.responseReceived":
                response = params["response"]
                self.responses.append((response["url"], int(response["status"])))
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE":
                self.console.append(entry["message"])

    def check_clean(self) -> None:
        """Nothing from outside the server, no 4xx/5xx, no JavaScript error."""
        self.collect_logs()
        host = urllib.parse.urlsplit(self.base).netloc
        outside = sorted({
            url for url in self.requests
            if urllib.parse.urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urllib.parse.urlsplit(url).netloc != host
        })
        assert not outside, f"requests to outside the server: {outside}"
        failed = sorted({(url, status) for url, status in self.responses if status >= 400})
        assert not failed, f"answers with an error status: {failed}"
        assert not self.console, f"JavaScript console errors: {self.console}"

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


class _Navigation:
    """``with browser.navigation(): click()`` waits until the click has loaded a new page."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser

    def __enter__(self) -> None:
        self.old = self.browser.driver.find_element(By.TAG_NAME, "html")

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:
            return
        try:
            WebDriverWait(self.browser.driver, WAIT).until(ec.staleness_of(self.old))
        except TimeoutException as timeout:
            invalid = self.browser.driver.execute_script(
                "return Array.from(document.querySelectorAll(':invalid'))"
                ".map(function (e) { return e.name || e.id; });"
            )
            raise AssertionError(
                f"no new page after the click on {self.browser.driver.current_url}; "
                f"fields the browser refuses: {invalid}"
            ) from timeout
        self.browser.wait_ready()
