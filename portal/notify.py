"""Telling the resident: the receipt at once, then each change of their dossier's status.

E-mail goes by SMTP (``smtplib``: any server in production, a local ``aiosmtpd`` in the
demo and the tests). SMS and Zalo go through the ward's gateway as a webhook: hoso POSTs
``{"to": "<phone>", "channel": "sms", "receipt": ..., "text": ...}`` as JSON to
``HOSO_NOTIFY_WEBHOOK`` and the gateway (an SMS brandname or Zalo ZNS provider's
adapter) delivers it. A message that cannot be sent is logged and tried again at the
next round; the dossier is never held up by it.

No message carries the PIN except the receipt itself, sent only to the contact the
resident gave; none carries the applicant's full name.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass
from email.message import EmailMessage

import httpx

from core.masking import mask_id
from domain.vocabulary import statuses
from storage import filings
from storage.database import session_scope

log = logging.getLogger("hoso.portal")


@dataclass(frozen=True)
class Channels:
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    sender: str
    webhook: str | None
    portal_url: str

    def email(self, to: str, subject: str, body: str) -> None:
        if not self.smtp_host:
            return
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=10) as smtp:
            if self.smtp_starttls:
                smtp.starttls()
            if self.smtp_user and self.smtp_password:
                smtp.login(self.smtp_user, self.smtp_password)
            smtp.send_message(message)

    def text(self, phone: str, receipt: str, body: str) -> None:
        if not self.webhook:
            return
        httpx.post(self.webhook, json={"to": phone, "channel": "sms", "receipt": receipt, "text": body}, timeout=10).raise_for_status()

    def tell(self, email: str | None, phone: str | None, receipt: str, subject: str, body: str) -> None:
        """Send on every channel the resident gave; a channel that fails is logged, the others still go."""
        failed: Exception | None = None
        for channel, send in (("e-mail", lambda: email and self.email(email, subject, body)), ("sms", lambda: phone and self.text(phone, receipt, body))):
            try:
                send()
            except (OSError, smtplib.SMTPException, httpx.HTTPError) as exc:
                log.warning("Không gửi được thông báo %s cho hồ sơ %s: %s", channel, receipt, type(exc).__name__)
                failed = exc
        if failed is not None:
            raise failed


def receipt_text(code: str, procedure: str, office: str, promised: str, pin: str, url: str) -> tuple[str, str]:
    subject = f"Biên nhận hồ sơ {code}"
    body = (
        f"Hồ sơ của bạn đã được ghi nhận.\n\nMã hồ sơ: {code}\nThủ tục: {procedure}\nCơ quan giải quyết: {office}\n"
        f"Ngày hẹn trả kết quả: {promised}\nMã tra cứu (PIN): {pin}\n\n"
        f"Tra cứu hồ sơ: {url}/tra-cuu?ma={code}\nVui lòng giữ kín mã PIN: ai có mã hồ sơ và PIN đều xem được hồ sơ.\n"
    )
    return subject, body


def notify_changes(db_url: str, channels: Channels) -> int:
    """Tell each resident whose dossier changed status since the last message; returns how many were told."""
    told = 0
    with session_scope(db_url) as session:
        for filing, dossier in filings.to_notify(session):
            name, before = _national(dossier.status), _national(filing.notified_status)
            if name == before:  # e.g. received → processing: the resident's status did not change
                filing.notified_status = dossier.status
                continue
            body = (f"Hồ sơ {filing.receipt}: {name}.\nTra cứu chi tiết (cần mã PIN): {channels.portal_url}/tra-cuu?ma={filing.receipt}\n")
            try:
                channels.tell(filing.email, filing.phone, filing.receipt, f"Hồ sơ {filing.receipt}: {name}", body)
            except Exception:
                continue  # tried again next round
            filing.notified_status = dossier.status
            told += 1
    return told


def _national(status: str) -> str:
    known = statuses().get(status)
    return known.national if known else status


class Watcher:
    """A thread of the portal process that looks for status changes every ``interval_s`` and tells residents."""

    def __init__(self, db_url: str, channels: Channels, interval_s: float) -> None:
        self.db_url, self.channels, self.interval_s = db_url, channels, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="portal-notify", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                notify_changes(self.db_url, self.channels)
            except Exception as exc:  # a database away for a moment: next round
                log.warning("Vòng thông báo lỗi: %s", mask_id(type(exc).__name__))
