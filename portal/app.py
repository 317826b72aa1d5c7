"""The portal's pages: choose a procedure, submit, receipt, lookup, missing papers.

Every form is a plain HTML form (no JavaScript): a phone's browser posts it, the
server answers with the next page. Each POST carries a CSRF token bound to the
browser's own random cookie; each error page is Vietnamese and never a stack trace;
nothing sent to the browser names S3, Prefect or their credentials.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import segno
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import InputError
from domain.catalogue import Catalogue
from ocr.model import DocumentResult, OcrOptions
from portal import checks, filing
from portal.checks import Advice, Upload
from portal.filing import Applicant, Draft, Drafts
from portal.notify import Channels, Watcher, receipt_text
from portal.security import AttemptLimiter, Signer, check_pin, hash_pin, new_browser_id, new_pin
from storage.objects import ObjectStore

log = logging.getLogger("hoso.portal")
HERE = Path(__file__).parent
BROWSER_COOKIE = "hoso_trinh_duyet"
ACCESS_TTL_S = 30 * 60
SAME_ANSWER = "Mã hồ sơ hoặc mã PIN không đúng. Vui lòng kiểm tra lại biên nhận."
TOO_MANY = "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau {minutes} phút."


@dataclass(frozen=True)
class Portal:
    """What the pages need, built once at the edge from the settings (portal/server.py)."""

    store: ObjectStore
    db_url: str
    catalogue: Catalogue
    ocr: OcrOptions
    unit_code: str
    extra_days_off: tuple[date, ...]
    max_file_bytes: int
    signer: Signer
    limiter: AttemptLimiter
    drafts: Drafts
    channels: Channels
    url: str
    ocr_slots: threading.BoundedSemaphore
    notify_interval_s: float = 5.0

    @property
    def max_request_bytes(self) -> int:
        """A whole form: a few files at the pipeline's limit each, and the text fields."""
        return 6 * self.max_file_bytes + 1_000_000


def _date(value: date | datetime) -> str:
    return value.strftime("%H:%M ngày %d/%m/%Y") if isinstance(value, datetime) else value.strftime("%d/%m/%Y")


def create_app(portal: Portal) -> FastAPI:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["ngay"] = _date
    catalogue = portal.catalogue
    communes = sorted(catalogue.communes, key=lambda c: c.display_name)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        watcher = Watcher(portal.db_url, portal.channels, portal.notify_interval_s)
        watcher.start()
        try:
            yield
        finally:
            watcher.stop()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None, debug=False)
    app.mount("/tep", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        browser = request.cookies.get(BROWSER_COOKIE) or request.state.browser
        response = templates.TemplateResponse(request, template, {"csrf": portal.signer.csrf_token(browser), **context}, status_code=status)
        if request.cookies.get(BROWSER_COOKIE) != browser:
            response.set_cookie(BROWSER_COOKIE, browser, httponly=True, samesite="strict", secure=portal.url.startswith("https://"))
        return response

    def problem(request: Request, message: str, status: int) -> HTMLResponse:
        return page(request, "loi.html", status, title="Không thực hiện được", message=message)

    @app.middleware("http")
    async def edge(request: Request, call_next: Callable[[Request], Any]) -> Response:
        request.state.browser = request.cookies.get(BROWSER_COOKIE) or new_browser_id()
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > portal.max_request_bytes:
            response: Response = problem(request, f"Các tệp gửi lên quá lớn (giới hạn {portal.max_file_bytes // 1_048_576} MB mỗi tệp). Không có gì được lưu.", 413)
        else:
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        message = "Không tìm thấy trang này." if exc.status_code == 404 else "Yêu cầu không hợp lệ."
        return problem(request, message, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> HTMLResponse:
        return problem(request, "Yêu cầu không hợp lệ: vui lòng điền lại biểu mẫu.", 400)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> HTMLResponse:
        log.exception("Lỗi khi phục vụ %s", request.url.path)
        return problem(request, "Hệ thống đang gặp sự cố; hồ sơ của bạn chưa được nộp. Vui lòng thử lại sau ít phút.", 500)

    async def form_of(request: Request) -> Any:
        form = await request.form(max_files=20, max_fields=40, max_part_size=64 * 1024)
        if not portal.signer.csrf_ok(request.cookies.get(BROWSER_COOKIE), str(form.get("csrf", ""))):
            raise StarletteHTTPException(403)
        return form

    async def files_of(form: Any, keys: list[str]) -> list[tuple[str, str, bytes]]:
        out = []
        for key in keys:
            value = form.get(key)
            if isinstance(value, UploadFile):
                data = await value.read(portal.max_file_bytes + 1)  # one byte over is enough to refuse it
                out.append((key, value.filename or "", data))
        return out

    def check_and_read(procedure: str, pairs: list[tuple[str, str, bytes]]) -> tuple[list[Upload], list[DocumentResult], list[str]]:
        """Sniff, size-check and read each upload as the pipeline would; refusals come back as messages, nothing is stored."""
        names = {s.key: s.name for s in checks.slots(catalogue, procedure)}
        uploads, results, refused = [], [], []
        for slot, name, data in pairs:
            label = names.get(slot, "Giấy tờ bổ sung")
            try:
                accepted = checks.accept(name, data, portal.max_file_bytes)
                if accepted is None:
                    continue
                upload = Upload(slot, name, data, accepted.media_type)
                with portal.ocr_slots:
                    result = checks.read(upload, portal.ocr)
            except InputError as error:
                refused.append(checks.refusal(error, label))
                continue
            uploads.append(upload)
            results.append(result)
        return uploads, results, refused

    def draft_results(draft: Draft) -> tuple[list[Upload], list[DocumentResult]]:
        pairs = [(slot, slot, portal.drafts.data(draft, slot)) for slot in draft.files]
        uploads, results, _ = check_and_read(draft.procedure, pairs)
        return uploads, results

    def finish(request: Request, draft: Draft) -> HTMLResponse:
        pin = new_pin()
        order = [s.key for s in checks.slots(catalogue, draft.procedure)]
        receipt = filing.submit(
            portal.store, portal.db_url, catalogue, portal.drafts, draft, order,
            unit_code=portal.unit_code, extra_days_off=portal.extra_days_off, pin_hash=hash_pin(pin, portal.signer.pepper), pin=pin,
        )
        sent = False
        subject, body = receipt_text(receipt.code, receipt.procedure, receipt.office, _date(receipt.promised), pin, portal.url)
        try:
            portal.channels.tell(receipt.email or None, receipt.phone or None, receipt.code, subject, body)
            sent = bool((receipt.email and portal.channels.smtp_host) or (receipt.phone and portal.channels.webhook))
        except Exception:
            sent = False
        link = f"{portal.url}/tra-cuu?ma={receipt.code}"
        qr = segno.make(link, error="m").svg_data_uri(scale=4, border=2)
        return page(request, "bien_nhan.html", title="Biên nhận hồ sơ", receipt=receipt, qr=qr, link=link, sent=sent)

    def feedback(request: Request, draft: Draft, advice: list[Advice], refused: list[str], status: int = 200) -> HTMLResponse:
        slot_list = checks.slots(catalogue, draft.procedure)
        return page(request, "kiem_tra.html", status, title="Kiểm tra ảnh chụp", draft=draft, slots=slot_list,
                    advice=advice, refused=refused, procedure=catalogue.procedure(draft.procedure))

    # --- pages ---------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    async def index(request: Request) -> HTMLResponse:
        procedures = [(p, [a.name for a in p.attachments]) for p in catalogue.procedures]
        return page(request, "index.html", title="Nộp hồ sơ trực tuyến", procedures=procedures)

    def procedure_or_404(slug: str):  # type: ignore[no-untyped-def]
        """A procedure of the catalogue by its slug; any other address is the portal's own 404 page."""
        try:
            return catalogue.procedure(slug)
        except KeyError:
            raise StarletteHTTPException(404) from None

    @app.get("/nop/{slug}", response_class=HTMLResponse)
    async def submit_form(request: Request, slug: str) -> HTMLResponse:
        procedure = procedure_or_404(slug)
        return page(request, "nop.html", title=procedure.name, procedure=procedure, slots=checks.slots(catalogue, slug),
                    communes=communes, values={}, errors=[])

    @app.post("/nop/{slug}", response_class=HTMLResponse)
    async def submit_post(request: Request, slug: str) -> HTMLResponse:
        procedure = procedure_or_404(slug)
        form = await form_of(request)
        values = {k: str(form.get(k, "")).strip() for k in ("xa_phuong", "ho_ten", "nguoi_nop", "vai_tro", "email", "dien_thoai")}
        errors = []
        if values["xa_phuong"] not in {c.slug for c in communes}:
            errors.append("Vui lòng chọn xã/phường nơi nộp hồ sơ.")
        if len(values["ho_ten"]) < 2:
            errors.append("Vui lòng ghi họ, chữ đệm, tên của người yêu cầu.")
        if not values["email"] and not values["dien_thoai"]:
            errors.append("Vui lòng ghi số điện thoại hoặc thư điện tử để nhận biên nhận.")
        if values["email"] and ("@" not in values["email"] or len(values["email"]) > 200):
            errors.append("Địa chỉ thư điện tử không đúng.")
        phone = "".join(ch for ch in values["dien_thoai"] if ch.isdigit() or ch == "+")
        if values["dien_thoai"] and not 9 <= len(phone.lstrip("+")) <= 12:
            errors.append("Số điện thoại không đúng.")
        slot_list = checks.slots(catalogue, slug)
        pairs = await files_of(form, [s.key for s in slot_list])
        if not errors:
            uploads, results, refused = await run_in_threadpool(check_and_read, slug, pairs)
            errors += refused
        if errors:
            return page(request, "nop.html", 400, title=procedure.name, procedure=procedure, slots=slot_list,
                        communes=communes, values=values, errors=errors)
        applicant = Applicant(values["ho_ten"], values["nguoi_nop"], values["vai_tro"], values["email"], phone)
        draft = portal.drafts.create(slug, values["xa_phuong"], applicant)
        for upload in uploads:
            draft = portal.drafts.put(draft, upload.slot, upload.data, upload.media_type)
        advice = checks.advise(catalogue, slug, uploads, results)
        if not advice:
            return await run_in_threadpool(finish, request, draft)
        return feedback(request, draft, advice, [])

    @app.post("/ho-so/{token}", response_class=HTMLResponse)
    async def draft_post(request: Request, token: str) -> HTMLResponse:
        form = await form_of(request)
        draft = portal.drafts.get(token)
        if draft is None:
            return problem(request, "Bản nháp hồ sơ này không còn (đã nộp, hoặc quá một ngày). Vui lòng nộp lại từ đầu.", 404)
        slot_list = checks.slots(catalogue, draft.procedure)
        pairs = await files_of(form, [s.key for s in slot_list])
        new, _, refused = await run_in_threadpool(check_and_read, draft.procedure, pairs)
        for upload in new:
            draft = portal.drafts.put(draft, upload.slot, upload.data, upload.media_type)
        if refused:
            uploads, results = await run_in_threadpool(draft_results, draft)
            return feedback(request, draft, checks.advise(catalogue, draft.procedure, uploads, results), refused, 400)
        if form.get("hanh_dong") == "nop":
            return await run_in_threadpool(finish, request, draft)
        uploads, results = await run_in_threadpool(draft_results, draft)
        advice = checks.advise(catalogue, draft.procedure, uploads, results)
        if not advice:
            return await run_in_threadpool(finish, request, draft)
        return feedback(request, draft, advice, [])

    @app.get("/tra-cuu", response_class=HTMLResponse)
    async def lookup_form(request: Request, ma: str = "") -> HTMLResponse:
        return page(request, "tra_cuu.html", title="Tra cứu hồ sơ", code=ma[:64], error="")

    def client(request: Request) -> str:
        return "ip:" + (request.client.host if request.client else "?")

    def found(request: Request, code: str, notice: str = "", errors: list[str] | None = None, status: int = 200) -> HTMLResponse:
        view = filing.lookup(portal.db_url, catalogue, code)
        if view is None:
            return problem(request, SAME_ANSWER, 404)
        access = portal.signer.sign(code, time.time() + ACCESS_TTL_S)
        return page(request, "ho_so.html", status, title=f"Hồ sơ {code}", view=view, access=access, notice=notice, errors=errors or [])

    @app.post("/tra-cuu", response_class=HTMLResponse)
    async def lookup_post(request: Request) -> HTMLResponse:
        form = await form_of(request)
        code = str(form.get("ma", "")).strip().upper()[:64]
        pin = "".join(ch for ch in str(form.get("pin", "")) if ch.isdigit())[:12]
        keys = (client(request), "code:" + code)
        minutes = max(1, portal.limiter.window_s // 60)
        if portal.limiter.blocked(*keys):
            return page(request, "tra_cuu.html", 429, title="Tra cứu hồ sơ", code=code, error=TOO_MANY.format(minutes=int(minutes)))
        stored = await run_in_threadpool(filing.pin_hash_of, portal.db_url, code)
        if not await run_in_threadpool(check_pin, pin, stored, portal.signer.pepper):
            portal.limiter.fail(*keys)
            return page(request, "tra_cuu.html", 400, title="Tra cứu hồ sơ", code=code, error=SAME_ANSWER)
        return await run_in_threadpool(found, request, code)

    @app.post("/bo-sung", response_class=HTMLResponse)
    async def supplement_post(request: Request) -> HTMLResponse:
        form = await form_of(request)
        code = str(form.get("ma", ""))[:64]
        if not portal.signer.verify(str(form.get("truy_cap", "")), code):
            return page(request, "tra_cuu.html", 403, title="Tra cứu hồ sơ", code=code, error="Phiên tra cứu đã hết hạn: vui lòng nhập lại mã PIN.")
        view = await run_in_threadpool(filing.lookup, portal.db_url, catalogue, code)
        if view is None or view.supplement is None:
            return problem(request, "Hồ sơ này không có yêu cầu bổ sung nào đang chờ.", 409)
        keys = [f"bo-sung-{i}" for i in range(1, len(view.supplement.items) + 1)]
        pairs = await files_of(form, keys)
        uploads, _, refused = await run_in_threadpool(check_and_read, view.procedure_slug, pairs)
        given = {u.slot for u in uploads}
        missing = [name for key, (name, _) in zip(keys, view.supplement.items) if key not in given]
        errors = refused + [f"Chưa có «{name}»: vui lòng chụp hoặc tải lên." for name in missing]
        if errors:
            return await run_in_threadpool(found, request, code, "", errors, 400)
        done = await run_in_threadpool(filing.resume, portal.store, portal.db_url, code, [(u.slot, u.data, u.media_type) for u in uploads])
        if not done:
            return problem(request, "Hồ sơ này không có yêu cầu bổ sung nào đang chờ.", 409)
        return await run_in_threadpool(found, request, code, "Đã nhận giấy tờ bổ sung. Hồ sơ được xử lý tiếp với mã cũ; thời gian chờ bổ sung không tính vào thời hạn giải quyết.")

    return app
