"""The residents' portal in a real headless Chromium, in a phone-sized window, on real parts: the
portal's app served by uvicorn, `weed mini` S3, SQLite, the Prefect test server running `intake`,
a real SMTP server (aiosmtpd). Every portal page the tests reach is checked with axe-core.

One stack for the module; the tests follow one resident after another, in order.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import random
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from pydantic import SecretStr
from PIL import Image, ImageFilter

from tests.browser import full_page_png, phone_browser, serious_violations

pytestmark = pytest.mark.slow
FILER = "Trần Thị Tổ Trưởng"


class Mailbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def wait_for(self, to: str, words: str, timeout_s: float = 60) -> email.message.EmailMessage:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for m in self.messages:
                if m["To"] == to and words in m.get_content():
                    return m
            time.sleep(0.2)
        raise AssertionError(f"no e-mail to {to} with «{words}»: {[m['Subject'] for m in self.messages]}")


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    from aiosmtpd.controller import Controller

    from hoso.stack import free_port

    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture(scope="module")
def gateway() -> Iterator[tuple[list[dict[str, Any]], str]]:
    """A stand-in for the ward's SMS/Zalo gateway: a real HTTP server that keeps each JSON body posted to it."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield received, f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def portal(prefect_server, s3_server, module_settings, module_store, mailbox, gateway) -> Iterator[SimpleNamespace]:  # type: ignore[no-untyped-def]
    import uvicorn

    from hoso.stack import free_port, wait_for_port
    from portal.app import create_app
    from portal.server import build

    box, smtp_port = mailbox
    port = free_port()
    settings = module_settings.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": smtp_port, "max_file_bytes": 3 * 1024 * 1024,
        "portal_lookup_attempts": 4, "portal_port": port, "portal_notify_interval_s": 0.5, "notify_webhook": gateway[1],
        # the portal's own key, as `hoso up` gives it (storage/policies/portal.json): least privilege, tried for real
        "s3_access_key": s3_server.portal.access_key, "s3_secret_key": SecretStr(s3_server.portal.secret_key),
    })
    built = build(settings)
    server = uvicorn.Server(uvicorn.Config(create_app(built), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port, 30)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}", built=built, settings=settings, mailbox=box, store=module_store, texts=gateway[0])
    server.should_exit = True
    thread.join(30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = phone_browser()
    yield driver
    driver.quit()


def _photo(page: Any, path: Path, dpi: int = 200, blur: float = 0.0) -> Path:
    """A page as a phone photo (JPEG), optionally blurred."""
    from samples.render import pdf_bytes, rasterise

    image = rasterise(pdf_bytes([page]), dpi)[0].convert("RGB")
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    image.save(path, "JPEG", quality=85)
    return path


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    from domain.catalogue_loading import default_catalogue
    from domain.deadlines import now_in_vietnam
    from samples.render import pdf_bytes
    from samples.stories import Story

    out = tmp_path_factory.mktemp("papers")
    story = Story(random.Random(14), default_catalogue(), now_in_vietnam())
    birth, residence = story.dossier("khai-sinh"), story.dossier("tam-tru")
    (out / "to-khai.pdf").write_bytes(pdf_bytes([birth.pages[0]]))
    (out / "tam-tru.pdf").write_bytes(pdf_bytes([residence.pages[0]]))
    (out / "trang-web.jpg").write_bytes(b"<!doctype html><html><body>Kh\xc3\xb4ng ph\xe1\xba\xa3i \xe1\xba\xa3nh</body></html>")
    noise = np.random.default_rng(14).integers(0, 255, (1300, 1300, 3), dtype=np.uint8)
    Image.fromarray(noise).save(out / "qua-lon.png")  # about 5 MB of noise: over the 3 MB limit
    return SimpleNamespace(
        birth=birth.expected, residence=residence.expected,
        form=out / "to-khai.pdf", certificate=_photo(birth.pages[1], out / "giay-chung-sinh.jpg"),
        blurred=_photo(birth.pages[0], out / "to-khai-mo.jpg", dpi=150, blur=4.0),
        residence_form=out / "tam-tru.pdf", rental=_photo(residence.pages[1], out / "hop-dong.jpg"),
        html=out / "trang-web.jpg", big=out / "qua-lon.png",
    )


# --- what a resident does, in the browser ---------------------------------------------------

CHECKED: dict[str, list[dict[str, Any]]] = {}


SHOTS = os.environ.get("HOSO_PORTAL_SCREENSHOTS")  # a folder: each checked page is also saved there (README's screenshots)


def accessible(driver: Any, name: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    CHECKED[name] = serious_violations(driver)
    assert CHECKED[name] == [], (name, CHECKED[name])
    if SHOTS:
        full_page_png(driver, Path(SHOTS) / ("portal-" + _slug(name) + ".png"))


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("đ", "d")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def wait(driver: Any, until: Callable[[Any], Any], timeout_s: float = 180) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout_s, poll_frequency=0.3).until(until)


def heading(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "h1").text


def submit(driver: Any, button: str = "button[type=submit]") -> None:
    """Click and wait for the next page (the old page's body goes stale)."""
    from selenium.webdriver.common.by import By

    driver.execute_script("window.hosoOldPage = true;")
    driver.find_element(By.CSS_SELECTOR, button).click()
    wait(driver, lambda d: d.execute_script("return window.hosoOldPage === undefined && document.readyState === 'complete'"))


def open_form(driver: Any, url: str, procedure_name: str, *, check: bool = False) -> None:
    from selenium.webdriver.common.by import By

    driver.get(url + "/")
    if check:
        accessible(driver, "chọn thủ tục")
    driver.find_element(By.LINK_TEXT, procedure_name).click()
    wait(driver, lambda d: heading(d) == procedure_name)
    if check:
        accessible(driver, "biểu mẫu nộp hồ sơ")


def fill(driver: Any, *, commune: str, name: str, files: dict[str, Path], filer: str = "", email_to: str = "", phone: str = "") -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, "xa_phuong")).select_by_value(commune)
    for field, value in (("ho_ten", name), ("nguoi_nop", filer), ("vai_tro", "tổ trưởng tổ dân phố" if filer else ""),
                         ("email", email_to), ("dien_thoai", phone)):
        if value:
            driver.find_element(By.ID, field).send_keys(value)
    for slot, path in files.items():
        driver.find_element(By.ID, slot).send_keys(str(path))


def receipt_of(driver: Any) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    assert heading(driver) == "Biên nhận hồ sơ", driver.find_element(By.TAG_NAME, "main").text
    return {key: driver.find_element(By.ID, key).text for key in ("ma-ho-so", "ma-pin", "co-quan", "ngay-hen")}


def look_up(driver: Any, url: str, code: str, pin: str) -> str:
    from selenium.webdriver.common.by import By

    driver.get(f"{url}/tra-cuu?ma={code}")
    assert driver.find_element(By.ID, "ma").get_attribute("value") == code  # the QR code's link fills the code in
    driver.find_element(By.ID, "pin").send_keys(pin)
    submit(driver)
    return str(driver.find_element(By.TAG_NAME, "main").text)


def inbox_keys(store: Any) -> list[str]:
    return sorted(o.key for o in store.list("inbox"))


def record(settings: Any, receipt: str) -> dict[str, Any]:
    from storage import filings, repository
    from storage.database import session_scope

    with session_scope(settings.database_url) as session:
        found = filings.by_receipt(session, receipt)
        assert found is not None
        filing, dossier = found
        dossier = repository.get(session, dossier.id)
        return {**repository.as_json(dossier, with_pages=True), "filing": filing, "received": repository.as_utc(dossier.received_at)}


# --- the tests ------------------------------------------------------------------------------


def test_a_resident_files_two_papers_from_a_phone_and_follows_them_to_done(portal, browser, papers) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from typer.testing import CliRunner

    from flows.intake import intake
    from hoso.cli import app

    name = unicodedata.normalize("NFC", papers.birth["applicant_name"])
    open_form(browser, portal.url, "Đăng ký khai sinh", check=True)
    fill(browser, commune=papers.birth["commune"], name=name, filer=FILER, email_to="dan@example.vn",
         files={"to-khai": papers.form, "giay-to-1": papers.certificate})
    submit(browser)
    receipt = receipt_of(browser)
    accessible(browser, "biên nhận")
    code, pin = receipt["ma-ho-so"], receipt["ma-pin"]
    assert re.fullmatch(r"000\.00\.00\.H30-\d{6}-\d{4}", code) and re.fullmatch(r"\d{6}", pin)
    assert receipt["co-quan"].startswith("Văn phòng HĐND và UBND ")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", receipt["ngay-hen"])
    qr = browser.find_element(By.CSS_SELECTOR, ".receipt img")
    assert qr.get_attribute("src").startswith("data:image/svg+xml") and code in qr.get_attribute("alt")
    assert browser.find_element(By.LINK_TEXT, f"{portal.url}/tra-cuu?ma={code}")
    for secret in (portal.settings.s3_secret_key.get_secret_value(), portal.settings.s3_access_key, portal.settings.s3_endpoint, "prefect"):
        assert secret not in browser.page_source

    mail = portal.mailbox.wait_for("dan@example.vn", code)
    assert pin in mail.get_content() and name not in mail.get_content()

    # In the inbox as station cong-dan, a folder with its manifest (no personal data in keys or manifest).
    keys = inbox_keys(portal.store)
    folder = next(k.rsplit("/", 1)[0] for k in keys if k.startswith("cong-dan/") and k.endswith("manifest.json"))
    manifest = json.loads(portal.store.get("inbox", folder + "/manifest.json"))
    assert manifest["station"] == "cong-dan" and manifest["receipt"] == code and len(manifest["files"]) == 2
    assert name not in json.dumps(manifest, ensure_ascii=False) and not any(name.split()[-1] in k for k in keys)
    filed = record(portal.settings, code)["filing"]
    assert filed.applicant_name == name and filed.filer_name == FILER and filed.filer_role == "tổ trưởng tổ dân phố"
    assert pin not in filed.pin_hash

    intake()  # the same pipeline as every scan
    routed = record(portal.settings, code)
    assert routed["receipt"] == code and routed["station"] == "cong-dan" and routed["status"] == "routed", routed["problems"]
    assert routed["procedure"] == "khai-sinh" and len(routed["files"]) == 2
    assert not any(k.startswith(folder) for k in inbox_keys(portal.store))

    page = look_up(browser, portal.url, code, pin)
    accessible(browser, "hồ sơ")
    steps = browser.find_element(By.ID, "qua-trinh").text
    assert [s for s in ("Mới đăng ký", "Được tiếp nhận", "Đang xử lý") if s in steps] == ["Mới đăng ký", "Được tiếp nhận", "Đang xử lý"]
    assert " ".join(w[0] + "." for w in name.split()) in page and name not in browser.page_source
    assert receipt["co-quan"] in page and "quá hạn" not in page

    done = CliRunner().invoke(app, ["office", "done", routed["id"], "--by", "cán bộ một cửa"])
    assert done.exit_code == 0, done.output
    look_up(browser, portal.url, code, pin)
    assert browser.find_element(By.ID, "trang-thai").text.startswith("Đã xử lý xong")
    assert "Đã xử lý xong" in browser.find_element(By.ID, "qua-trinh").text
    portal.mailbox.wait_for("dan@example.vn", "Đã xử lý xong")  # each change is told
    handed = CliRunner().invoke(app, ["office", "returned", routed["id"], "--by", "cán bộ một cửa"])
    assert handed.exit_code == 0, handed.output
    look_up(browser, portal.url, code, pin)
    assert browser.find_element(By.ID, "trang-thai").text.startswith("Đã trả kết quả")
    assert "Đã trả kết quả" in browser.find_element(By.ID, "qua-trinh").text


def test_a_blurred_photo_is_asked_again_before_the_resident_leaves(portal, browser, papers) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    open_form(browser, portal.url, "Đăng ký khai sinh")
    fill(browser, commune=papers.birth["commune"], name=papers.birth["applicant_name"], phone="0912345678",
         files={"to-khai": papers.blurred, "giay-to-1": papers.certificate})
    submit(browser)
    assert heading(browser) == "Kiểm tra ảnh chụp"
    advice = browser.find_element(By.CSS_SELECTOR, ".advice").text
    assert "Ảnh trang 1 bị mờ, không đọc được số định danh cá nhân — vui lòng chụp lại." in advice, advice
    assert browser.find_element(By.CSS_SELECTOR, "button[value=nop]").text == "Vẫn nộp hồ sơ"
    accessible(browser, "kiểm tra ảnh")
    browser.find_element(By.ID, "to-khai").send_keys(str(papers.form))  # retaken
    submit(browser, "button[value=kiem-tra]")
    receipt = receipt_of(browser)
    # The phone number given gets the receipt through the SMS/Zalo gateway's webhook.
    text = next(t for t in portal.texts if t["receipt"] == receipt["ma-ho-so"])
    assert text["to"] == "0912345678" and text["channel"] == "sms" and receipt["ma-pin"] in text["text"]


def test_an_oversized_or_non_document_upload_is_refused_and_nothing_is_stored(portal, browser, papers) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    from storage.database import session_scope
    from storage.models import Dossier, ResidentFiling

    def stored() -> tuple[list[str], int, int, int]:
        with session_scope(portal.settings.database_url) as session:
            rows = session.query(Dossier).count(), session.query(ResidentFiling).count()
        return inbox_keys(portal.store), *rows, len(list(portal.built.drafts.root.iterdir()))

    before = stored()
    for path, says in ((papers.html, "không phải ảnh chụp hay tệp PDF đọc được"), (papers.big, "vượt giới hạn 3 MB")):
        open_form(browser, portal.url, "Đăng ký khai sinh")
        fill(browser, commune=papers.birth["commune"], name="Phạm Văn Thử", phone="0912345678",
             files={"to-khai": path, "giay-to-1": papers.certificate})
        submit(browser)
        alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
        assert says in alert and "Tệp chưa được lưu" in alert, alert
        assert heading(browser) == "Đăng ký khai sinh"  # the form again, filled in
        assert browser.find_element(By.ID, "ho_ten").get_attribute("value") == "Phạm Văn Thử"
    accessible(browser, "tệp bị từ chối")
    assert stored() == before


def test_an_official_asks_once_for_missing_papers_and_the_dossier_resumes_with_its_code(portal, browser, papers) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    from dataclasses import replace

    from core.errors import SupplementRefused
    from domain.deadlines import due_date, waiting_days
    from flows.intake import intake
    from storage import filings, repository
    from storage.database import session_scope
    from tasks.review import SUPPLEMENT, apply_review, check_decision, review_case

    built = portal.built
    open_form(browser, portal.url, "Đăng ký tạm trú")
    fill(browser, commune=papers.residence["commune"], name=papers.residence["applicant_name"], email_to="tamtru@example.vn",
         files={"to-khai": papers.residence_form})
    submit(browser)
    assert "Chưa có «giấy tờ chứng minh chỗ ở hợp pháp" in browser.find_element(By.CSS_SELECTOR, ".advice").text
    submit(browser, "button[value=nop]")  # sent anyway
    receipt = receipt_of(browser)
    code, pin = receipt["ma-ho-so"], receipt["ma-pin"]
    intake()
    first = record(portal.settings, code)
    dossier_id = first["id"]

    # Ten days ago, then: the supplement waited seven of them.
    with session_scope(portal.settings.database_url) as session:
        dossier = repository.get(session, dossier_id)
        dossier.received_at = first["received"] - timedelta(days=10)
        # The pipeline rejects a dossier without its required paper; sent anyway from the portal, an official
        # looks at it: the review form is offered on needs_review dossiers only (tasks/review.review_case).
        assert dossier.status in {"rejected", "needs_review"}, dossier.status
        repository.set_status(session, dossier, "needs_review", actor="test", reason="sent anyway: an official looks at it")
    # The official's answer on the review form, checked as the review run checks it (flows/review.py).
    answer = {"quyet_dinh": SUPPLEMENT, "can_bo": "Lê Văn Cán", "ly_do": "Thiếu giấy tờ chứng minh chỗ ở hợp pháp",
              "giay_to_bo_sung": "Hợp đồng thuê nhà — chưa có trong hồ sơ", "xa_phuong": ""}
    case = review_case(portal.store, built.db_url, built.catalogue, dossier_id)
    assert case is not None
    decision = check_decision(answer, case, built.catalogue)
    assert not isinstance(decision, tuple), decision

    def review(owner: str) -> str:
        with session_scope(portal.settings.database_url) as session:
            assert repository.claim(session, dossier_id, owner, timedelta(minutes=5), settled_too=True)
        return apply_review(portal.store, built.db_url, built.catalogue, dossier_id, owner, decision)

    assert review("xem-xet-1") == "awaiting_supplement"
    with session_scope(portal.settings.database_url) as session:
        last = repository.history(session, dossier_id)[-1]
        assert last.actor == "cán bộ Lê Văn Cán"
        assert last.reason.startswith("yêu cầu bổ sung: Hợp đồng thuê nhà (chưa có trong hồ sơ); căn cứ: Thiếu giấy tờ"), last.reason
        grounds = tuple(r.ground for r in filings.requests(session, dossier_id))  # what review_case reads for a later review
    again = replace(case, supplement_grounds=grounds)
    assert check_decision(answer, again, built.catalogue) == (
        "Hồ sơ này đã được yêu cầu bổ sung một lần; chỉ yêu cầu lại khi có căn cứ mới (ghi căn cứ đó vào lý do).",
    )
    with pytest.raises(SupplementRefused):  # past the form too (a request that raced another): refused
        review("xem-xet-2")
    with session_scope(portal.settings.database_url) as session:
        request = filings.open_request(session, dossier_id)
        request.requested_at = first["received"] - timedelta(days=7)
        assert repository.get(session, dossier_id).status == "awaiting_supplement" and len(filings.requests(session, dossier_id)) == 1

    page = look_up(browser, portal.url, code, pin)
    assert browser.find_element(By.ID, "trang-thai").text.startswith("Yêu cầu bổ sung giấy tờ")
    assert "Hợp đồng thuê nhà — lý do: chưa có trong hồ sơ" in page
    accessible(browser, "yêu cầu bổ sung")
    browser.find_element(By.ID, "bo-sung-1").send_keys(str(papers.rental))
    submit(browser)
    assert "Đã nhận giấy tờ bổ sung" in browser.find_element(By.CSS_SELECTOR, "main").text

    intake()
    resumed = record(portal.settings, code)
    assert resumed["id"] == dossier_id and resumed["receipt"] == code, (resumed["id"], dossier_id, resumed["receipt"], code)
    assert len(resumed["files"]) == 2, resumed["files"]
    assert resumed["status"] == "routed", resumed["problems"]
    with session_scope(portal.settings.database_url) as session:
        waited = waiting_days(filings.waiting_periods(session, dossier_id))
    received = resumed["received"]
    assert len(waited) == 7
    expected = due_date("tam-tru", received, built.catalogue, waited)
    assert resumed["due"] == expected.isoformat() and expected > due_date("tam-tru", received, built.catalogue)
    look_up(browser, portal.url, code, pin)
    assert browser.find_element(By.ID, "ngay-hen").text == expected.strftime("%d/%m/%Y")


def test_a_wrong_pin_learns_nothing_and_guessing_is_limited(portal, browser, papers) -> None:  # type: ignore[no-untyped-def]
    """Last in the module: its failed attempts use up this address's allowance."""
    from selenium.webdriver.common.by import By

    from portal.app import SAME_ANSWER

    browser.get(portal.url + "/khong-co-trang-nay")
    assert heading(browser) == "Không thực hiện được"
    accessible(browser, "trang lỗi")
    with_code = record(portal.settings, next(f.receipt for f in _filings(portal)))
    code = with_code["receipt"]
    answers = []
    for ma, pin in ((code, "000000"), ("000.00.00.H30-990101-9999", "123456")):
        page = look_up(browser, portal.url, ma, pin)
        answers.append(browser.find_element(By.CSS_SELECTOR, "[role=alert]").text)
        assert heading(browser) == "Tra cứu hồ sơ" and with_code["filing"].applicant_name not in page
    assert answers == [SAME_ANSWER, SAME_ANSWER]
    accessible(browser, "tra cứu sai")
    for _ in range(2):
        look_up(browser, portal.url, code, "111111")
    look_up(browser, portal.url, code, "222222")
    assert "thử quá nhiều lần" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text


def test_the_edge_refuses_forged_forms_and_shows_no_internals(portal) -> None:  # type: ignore[no-untyped-def]
    """Without the browser: a form posted from elsewhere (no CSRF token), a page that does not exist, the headers."""
    import httpx

    with httpx.Client(base_url=portal.url, timeout=30) as client:
        home = client.get("/")
        assert "default-src 'self'" in home.headers["content-security-policy"] and home.headers["x-content-type-options"] == "nosniff"
        forged = client.post("/tra-cuu", data={"ma": "000.00.00.H30-990101-0001", "pin": "123456"})
        assert forged.status_code == 403 and "Yêu cầu không hợp lệ" in forged.text
        forged_upload = client.post("/nop/khai-sinh", data={"xa_phuong": "x"}, files={"to-khai": ("a.pdf", b"%PDF-1.4", "application/pdf")})
        assert forged_upload.status_code == 403
        missing = client.get("/khong-co-trang-nay")
        assert missing.status_code == 404 and "Không tìm thấy trang này" in missing.text
        for page in (home, forged, missing):
            assert "Traceback" not in page.text and "prefect" not in page.text.lower() and portal.settings.s3_endpoint not in page.text
        assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 404


def _filings(portal: Any) -> list[Any]:
    from storage.database import session_scope
    from storage.models import ResidentFiling

    with session_scope(portal.settings.database_url) as session:
        return list(session.query(ResidentFiling).order_by(ResidentFiling.created_at))
