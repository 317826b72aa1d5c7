"""An official's day in the Prefect UI, in a real browser (Debian's chromium, headless, 1366×768) on a
real stack (`hoso up`): open the office's saved filter, open a waiting review, read it in Vietnamese,
decide, and find the decision applied — and nothing personal left in what the stack shows.

One stack for the module: four text-layer demo dossiers through the pipeline (one ends in review),
and three waiting reviews written as the pipeline leaves them (tests/review_cases.py). Each decision
is a real resume: the worker starts the review run, which checks and applies it.
The stack is as `hoso up` makes it: the Prefect UI asks for the stack's auth string (the browser
logs in as an official would), and what this module does in the pipeline's place (leaving the three
reviews waiting) it does with the worker's own credentials file, as process-dossier would.
Screenshots go to $HOSO_UI_SCREENSHOTS when set (the README's review-*.png come from there).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import stack_environment, stack_secret
from tests.review_cases import WaitingCase, marriage_missing_bride_name, residence_without_attachment
from tests.test_cli_stack import HOSO, hoso, quiet_interval_intake

pytestmark = pytest.mark.slow
WIDTH, HEIGHT = 1366, 768
WIDE = (1600, 1200)
DEMO = ("01-khai-sinh", "03-ket-hon-chua-du-tuoi-ket-hon", "04-ho-kinh-doanh-ten-ho-kinh-doanh-sai", "05-tam-tru-xa-phuong-ngoai-danh-muc")


@dataclass
class Desk:
    env: dict[str, str]
    ui: str
    driver: Any
    demo_review: str  # the demo dossier that ended in review
    demo_ids: list[str]
    demo_stems: list[str]
    marriage: WaitingCase
    returned: WaitingCase
    warned: WaitingCase
    clicks: list[str] = field(default_factory=list)
    shots: Path | None = None

    def click(self, element: Any, what: str) -> None:
        self.clicks.append(what)
        element.click()

    def shot(self, name: str) -> None:
        if self.shots:
            self.driver.save_screenshot(str(self.shots / f"{name}.png"))


def _browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={WIDTH},{HEIGHT}", "--lang=vi",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tempfile.mkdtemp(prefix='hoso-chromium-')}"):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(60)
    _viewport(driver, WIDTH, HEIGHT)
    return driver


def _inner(driver: Any) -> list[int]:
    return [int(v) for v in driver.execute_script("return [window.innerWidth, window.innerHeight]")]


def _viewport(driver: Any, width: int, height: int) -> None:
    """The page itself (not the window around it) at width×height: a laptop's screen, as the screenshots show it."""
    driver.set_window_size(width, height)
    inner_w, inner_h = _inner(driver)
    driver.set_window_size(2 * width - inner_w, 2 * height - inner_h)
    _wait(f"a {width}×{height} page", lambda: _inner(driver) == [width, height], 10, 0.2)


def _log_in(driver: Any, ui: str, auth: str) -> None:
    """The stack's Prefect UI asks for its auth string first (PREFECT_SERVER_API_AUTH_STRING): typed as an official would."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(f"{ui}/runs")
    box = _wait("the login page", lambda: driver.find_elements(By.CSS_SELECTOR, "input[type=password]"), 120)[0]
    box.send_keys(auth, Keys.ENTER)
    _wait("the runs page after logging in", lambda: not driver.find_elements(By.CSS_SELECTOR, "input[type=password]") and "/runs" in driver.current_url, 60)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    from core.settings import get_settings
    from domain.catalogue_loading import default_catalogue
    from hoso.cli_common import on_stack_prefect
    from hoso.identities import part_credentials_file
    from samples.corpus import generate_demo
    from storage import repository
    from storage.database import session_scope
    from storage.objects import ObjectStore
    from tasks.review import request_review

    home = tmp_path_factory.mktemp("desk")
    env = stack_environment(home)
    up = subprocess.run([HOSO, "up"], env=env, capture_output=True, text=True, timeout=300)
    assert up.returncode == 0, up.stdout + up.stderr
    driver = None
    try:
        quiet_interval_intake(env)  # `hoso run` below takes the dossiers; no poll every minute beside the browser
        cases = {c.name: c for c in generate_demo(home / "demo")}
        sources = [hoso(env, "submit", str(cases[f"demo-{n}"].files[0])).split("→ ", 1)[1].strip() for n in DEMO]
        hoso(env, "run", timeout=600)
        with pytest.MonkeyPatch.context() as mp:
            for key, value in env.items():
                if key.startswith("HOSO_"):
                    mp.setenv(key, value)
            get_settings.cache_clear()
            mp.setenv("HOSO_CREDENTIALS_FILE", str(part_credentials_file(get_settings(), "worker")))  # the worker's S3 key and auth
            get_settings.cache_clear()
            settings = get_settings()
            catalogue = default_catalogue()
            store = ObjectStore.from_settings(settings)
            with session_scope(settings.database_url) as s:
                by_source = {d.source: d for d in repository.list_all(s)}
                demo_ids = [by_source[src].id for src in sources]
                demo_review = next(by_source[src].id for src in sources if by_source[src].status == "needs_review")
            marriage = marriage_missing_bride_name(settings.database_url, catalogue, seed=11)
            returned = residence_without_attachment(settings.database_url, catalogue, seed=12)
            warned = residence_without_attachment(settings.database_url, catalogue, seed=13, receipt="000.00.00.H30-261201-0103")
            with on_stack_prefect(settings):
                for waiting in (marriage, returned, warned):
                    assert request_review(store, settings.database_url, catalogue, waiting.dossier_id, settings.review_timeout_s)
        get_settings.cache_clear()
        shots = Path(os.environ["HOSO_UI_SCREENSHOTS"]) if os.environ.get("HOSO_UI_SCREENSHOTS") else None
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
        driver = _browser()
        _log_in(driver, f"http://127.0.0.1:{env['HOSO_PREFECT_PORT']}", stack_secret(env, "prefect_auth"))
        yield Desk(env, f"http://127.0.0.1:{env['HOSO_PREFECT_PORT']}", driver, demo_review, demo_ids,
                   [f"demo-{n}" for n in DEMO], marriage, returned, warned, shots=shots)
    finally:
        if driver is not None:
            driver.quit()
        subprocess.run([HOSO, "down"], env=env, capture_output=True, text=True, timeout=120)


def _wait(what: str, probe: Any, timeout_s: float = 240, step_s: float = 1.0) -> Any:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            found = probe()
        except (StaleElementReferenceException, NoSuchElementException, IndexError):  # not there yet, or re-rendered under us
            found = None
        if found:
            return found
        time.sleep(step_s)
    raise AssertionError(f"timed out waiting for {what}")


def _open_queue(desk: Desk, queue: str, run_starts: str) -> list[str]:
    """Runs page → the office's saved filter → the waiting review whose name starts so; returns the run names the queue listed."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = desk.driver
    d.get(f"{desk.ui}/runs")
    picker = _wait(f"the saved filter «{queue}»", lambda: d.find_elements(By.XPATH, f"//div[contains(@class,'saved-filters__select')]//select[option[normalize-space()='{queue}']]"), 60)[0]
    desk.clicks.append(f"bộ lọc «{queue}»")
    Select(picker).select_by_visible_text(queue)
    _wait("the filter in the address", lambda: "tag=" in d.current_url, 30)
    def listed() -> list[Any]:
        # The list below the chart renders when scrolled to, as a person would (the page scrolls in .app-router-view).
        d.execute_script("for (const e of document.querySelectorAll('.app-router-view')) e.scrollTop = e.scrollHeight")
        return [a for a in d.find_elements(By.CSS_SELECTOR, "a[href*='/runs/flow-run/']") if a.text.startswith(run_starts)]

    names: list[str] = []

    def opened() -> bool:
        link = listed()[0]
        names[:] = [a.text for a in d.find_elements(By.CSS_SELECTOR, "a[href*='/runs/flow-run/']") if a.text.strip()]
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
        desk.shot("review-hang-cho")
        href = link.get_attribute("href")
        link.click()
        return _wait("the run's page", lambda: href in d.current_url, 10)

    desk.clicks.append("mở lượt chạy xem xét")
    _wait(f"the run «{run_starts}…» opened", opened, 60)
    return names


def _open_form(desk: Desk) -> Any:
    from selenium.webdriver.common.by import By

    d = desk.driver
    resume = _wait("the Resume button", lambda: [b for b in d.find_elements(By.TAG_NAME, "button") if b.text.strip() == "Resume"], 60)[0]
    desk.click(resume, "Resume")
    return _wait("the form and its summary", lambda: [m for m in d.find_elements(By.CSS_SELECTOR, ".p-modal") if "Vì sao cần xem xét" in m.text and "Quyết định" in m.text], 60)[0]


def _field(modal: Any, label: str, tag: str) -> Any:
    from selenium.webdriver.common.by import By

    one = "contains(concat(' ', normalize-space(@class), ' '), ' schema-form-property ')"  # the field, not the whole form
    xpath = f".//div[{one}][.//span[contains(@class,'schema-form-property__label') and normalize-space()='{label}']]//{tag}"
    return modal.find_element(By.XPATH, xpath)


def _type(desk: Desk, modal: Any, label: str, text: str) -> None:
    box = _field(modal, label, "textarea")
    desk.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    desk.click(box, f"ô «{label}»")
    box.send_keys(text)


def _choose(desk: Desk, modal: Any, label: str, option: str) -> None:
    from selenium.webdriver.support.ui import Select

    select = _field(modal, label, f"select[option[normalize-space()='{option}']]")
    desk.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", select)
    desk.clicks.append(f"chọn «{label}»")
    Select(select).select_by_visible_text(option)


def _submit(desk: Desk, modal: Any) -> None:
    from selenium.webdriver.common.by import By

    button = next(b for b in modal.find_elements(By.TAG_NAME, "button") if b.text.strip() == "Submit")
    desk.click(button, "Submit")
    _wait("the form to close", lambda: not [m for m in desk.driver.find_elements(By.CSS_SELECTOR, ".p-modal") if m.is_displayed()], 30)


def _shown(desk: Desk, dossier_id: str) -> dict[str, Any]:
    return json.loads(hoso(desk.env, "show", dossier_id, "--json"))


def _settled(desk: Desk, dossier_id: str) -> dict[str, Any]:
    return _wait(f"the decision on {dossier_id} applied", lambda: (r := _shown(desk, dossier_id))["status"] != "needs_review" and r, 300, 3)


def test_an_official_opens_a_review_from_the_office_filter_and_corrects_it(desk: Desk) -> None:
    from selenium.webdriver.common.by import By

    from core.masking import mask_name

    desk.clicks.clear()
    receipt = _shown(desk, desk.demo_review)["receipt"]
    _open_queue(desk, "Hàng chờ Công an", f"xem xét · tam-tru · {receipt} · ")
    modal = _open_form(desk)
    summary = modal.find_element(By.XPATH, ".//*[contains(normalize-space(), 'Vì sao cần xem xét') and not(*[contains(normalize-space(), 'Vì sao cần xem xét')])]")
    assert summary.is_displayed() and summary.rect["height"] > 0  # the summary shows at 1366×768, not squeezed to nothing
    desk.shot(f"review-form-{WIDTH}x{HEIGHT}")
    if desk.shots:
        _viewport(desk.driver, *WIDE)
        desk.shot(f"review-form-{WIDE[0]}x{WIDE[1]}")
        _viewport(desk.driver, WIDTH, HEIGHT)
    text = modal.text
    for label in ("Quyết định", "Cán bộ xem xét", "Lý do trả lại", "Sửa họ, chữ đệm và tên người đề nghị", "Sửa số định danh cá nhân của người đề nghị", "Thủ tục", "Cơ quan", "Xã/phường"):
        assert label in text, label
    assert "(Optional)" not in text and "Văn phòng HĐND và UBND" in text and "ubnd-van-phong" not in text
    page = modal.find_element(By.LINK_TEXT, "trang 1").get_attribute("href")
    assert f"/dossiers/{desk.demo_review}/searchable/01.pdf" in page and "demo-" not in page
    assert urllib.request.urlopen(page.split("#", 1)[0], timeout=20).read(5) == b"%PDF-"  # the page opens as it is

    _type(desk, modal, "Cán bộ xem xét", "Nguyễn Thị Lan")
    _type(desk, modal, "Sửa họ, chữ đệm và tên người đề nghị", "Phạm Bảo Trâm")
    _choose(desk, modal, "Xã/phường", "phường Hoàn Kiếm")
    _submit(desk, modal)

    shown = _settled(desk, desk.demo_review)
    assert (shown["status"], shown["office"], shown["commune"]) == ("routed", "cong-an", "phuong-hoan-kiem")
    assert shown["fields"]["applicant_name"] == mask_name("Phạm Bảo Trâm")  # masked, even in JSON
    last = shown["history"][-1]
    assert last["actor"] == "cán bộ Nguyễn Thị Lan"
    assert "chuyển đến Công an phường Hoàn Kiếm" in last["reason"] and "sửa họ, chữ đệm và tên người đề nghị: P. B. T." in last["reason"]
    clicks = len(desk.clicks)
    print(f"\nclicks from the office's runs list to the decision applied: {clicks}: {desk.clicks}")
    assert clicks <= 8

    summary = hoso(desk.env, "show", desk.demo_review)  # the terminal: readable Vietnamese, masked
    assert "Nơi nhận" in summary and "Công an phường Hoàn Kiếm" in summary and "Phạm Bảo Trâm" not in summary
    _artifact_shot(desk)


def _artifact_shot(desk: Desk) -> None:
    """The re-published artifact of the settled review, as the official sees it."""
    from selenium.webdriver.common.by import By

    d = desk.driver
    d.get(f"{desk.ui}/artifacts")
    link = _wait("the dossier's artifact", lambda: [a for a in d.find_elements(By.CSS_SELECTOR, "a[href*='/artifacts/key/']") if desk.demo_review in (a.get_attribute("href") or "")], 60)[0]
    link.click()  # the key's timeline, newest version first
    latest = _wait("the artifact's versions", lambda: d.find_elements(By.CSS_SELECTOR, "a[href*='/artifacts/artifact/']"), 60)[0]
    latest.click()
    try:
        _wait("the artifact's text", lambda: "Đã xem xét:" in d.execute_script("return document.body.innerText"), 60)
    finally:
        debug = Path(tempfile.gettempdir()) / "hoso-official-ui-artifact"
        debug.mkdir(exist_ok=True)
        d.save_screenshot(str(debug / "page.png"))
        (debug / "page.txt").write_text(d.current_url + "\n" + d.execute_script("return document.body.innerText"), encoding="utf-8")
    desk.shot("review-artifact")


def test_at_1366x768_return_correct_and_be_warned(desk: Desk) -> None:
    from selenium.webdriver.common.by import By

    assert _inner(desk.driver) == [WIDTH, HEIGHT]
    # A return: a reason, no ward.
    listed = _open_queue(desk, "Hàng chờ Công an", "xem xét · tam-tru · 000.00.00.H30-261201-0102")
    # The office's queue: its two waiting residence reviews, not the marriage one of another office.
    assert any(n.startswith("xem xét · tam-tru · 000.00.00.H30-261201-0103") for n in listed), listed
    assert not [n for n in listed if "ket-hon" in n], listed
    modal = _open_form(desk)
    _choose(desk, modal, "Quyết định", "Trả lại cho công dân")
    _type(desk, modal, "Cán bộ xem xét", "Lê Văn Hùng")
    _type(desk, modal, "Lý do trả lại", "Thiếu hợp đồng thuê nhà")
    _submit(desk, modal)

    # A marriage dossier whose bride's name was missing: corrected.
    _open_queue(desk, "Hàng chờ Văn phòng HĐND và UBND", "xem xét · ket-hon · 000.00.00.H30-261201-0101")
    modal = _open_form(desk)
    assert "Sửa họ, chữ đệm, tên bên nữ" in modal.text and "Còn thiếu: Họ, chữ đệm, tên bên nữ" in modal.text
    _type(desk, modal, "Cán bộ xem xét", "Lê Văn Hùng")
    _type(desk, modal, "Sửa họ, chữ đệm, tên bên nữ", "Trần Thị Mai")
    _submit(desk, modal)

    returned = _settled(desk, desk.returned.dossier_id)
    assert (returned["status"], returned["commune"]) == ("rejected", None)
    assert returned["history"][-1]["reason"] == "trả lại: Thiếu hợp đồng thuê nhà"
    married = _settled(desk, desk.marriage.dossier_id)
    assert married["status"] == "routed" and "sửa họ, chữ đệm, tên bên nữ: T. T. M." in married["history"][-1]["reason"]

    # Routing a dossier without its proof of accommodation: warned, in Vietnamese, before anything is applied.
    _open_queue(desk, "Hàng chờ Công an", "xem xét · tam-tru · 000.00.00.H30-261201-0103")
    page = desk.driver.current_url
    modal = _open_form(desk)
    _type(desk, modal, "Cán bộ xem xét", "Lê Văn Hùng")
    _choose(desk, modal, "Xã/phường", "phường Cửa Nam")
    _submit(desk, modal)

    def warned() -> Any:
        desk.driver.get(page)
        try:
            modal = _open_form(desk)
        except AssertionError:
            return None
        return modal if "Quyết định trước chưa ghi được" in modal.text else None

    modal = _wait("the warning on the form", warned, 300, 3)
    warning = next(line for line in modal.text.splitlines() if line.startswith("Hồ sơ còn thiếu:"))  # on top of the form again
    assert "giấy tờ chứng minh chỗ ở hợp pháp" in warning and "Vẫn chuyển dù còn thiếu" in warning, warning
    desk.shot("review-canh-bao-thieu-giay-to")
    assert _shown(desk, desk.warned.dossier_id)["status"] == "needs_review"  # nothing applied


def test_nothing_personal_in_artifacts_logs_run_names_or_links(desk: Desk) -> None:
    """Every artifact, log line, run name, tag, parameter, review form and presigned URL of the stack, grepped."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    from core.masking import _HOUSE, _PLACE  # noqa: PLC2701 - where an address starts, and the commune the masking keeps
    from domain.catalogue_loading import default_catalogue
    from tasks.publish import field_kind

    catalogue = default_catalogue()
    secrets = set(desk.marriage.secrets + desk.returned.secrets + desk.warned.secrets)
    secrets |= {"Phạm Bảo Trâm", "Trần Thị Mai"}  # what officials typed into forms
    for dossier_id in desk.demo_ids:
        clear = json.loads(hoso(desk.env, "show", dossier_id, "--json", "--clear"))
        for name, value in clear["fields"].items():
            kind = field_kind(catalogue, clear["procedure"], name)
            if not value or kind not in {"name", "personal_id", "date", "address", "text"}:
                continue
            if kind == "text":
                house = _HOUSE.search(str(value))
                if house:
                    place = _PLACE.search(str(value), house.start())
                    secrets.add(str(value)[house.start(): place.start() if place else None].strip(" ,"))
            elif kind == "address":
                place = _PLACE.search(str(value))
                street = str(value)[: place.start()].strip(" ,") if place else str(value)
                if len(street) > 4:
                    secrets.add(street)
            elif len(str(value)) >= 6:
                secrets.add(str(value))
    secrets = {s for s in secrets if len(s) >= 6}
    assert len(secrets) >= 20

    seen: dict[str, str] = {}
    with temporary_settings({PREFECT_API_URL: f"{desk.ui}/api", PREFECT_API_AUTH_STRING: stack_secret(desk.env, "prefect_auth")}):
        with get_client(sync_client=True) as client:
            for run in client.read_flow_runs(limit=200):
                seen[f"run {run.id}"] = json.dumps([run.name, sorted(run.tags), run.parameters], ensure_ascii=False)
                keyset = run.state.state_details.run_input_keyset if run.state else None
                for key in (keyset or {}).values():
                    try:
                        seen[f"input {run.id} {key}"] = client.read_flow_run_input(run.id, key)
                    except Exception:  # noqa: BLE001 - the answer, read back and then deleted
                        pass
            for artifact in client.read_artifacts(limit=200):
                seen[f"artifact {artifact.key} {artifact.id}"] = json.dumps([artifact.data, artifact.description], ensure_ascii=False)
            offset = 0
            while page := client.read_logs(LogFilter(), limit=200, offset=offset):
                seen.update({f"log {log.id}": log.message for log in page})
                offset += len(page)
    assert any(k.startswith("log ") for k in seen) and any(k.startswith("artifact ") for k in seen)
    leaks = [(where, secret) for where, text in seen.items() for secret in secrets if secret in text]
    assert not leaks, leaks[:10]
    urls = [u for text in seen.values() for u in re.findall(r"https?://[^\s)\"'\]]+", text)]
    assert any("X-Amz-Signature" in u for u in urls)
    assert not [u for u in urls for stem in desk.demo_stems if stem in u]  # archive links by dossier id, never by file name
