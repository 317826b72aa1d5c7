"""The portal's records and secrets without a browser: a request for missing papers once, the days
it waited, lookup PINs and signed values (real SQLite through the migrations)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.errors import SupplementRefused
from domain.deadlines import waiting_days
from portal.security import AttemptLimiter, Signer, check_pin, hash_pin, new_pin
from storage import filings, repository
from storage.database import migrate, session_scope
from tasks.supplement import parse_items


def test_missing_papers_are_asked_once_unless_on_a_new_ground(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hoso.db'}"
    migrate(url)
    with session_scope(url) as session:
        dossier, _ = repository.register(session, source="cong-dan/x/", identity="cong-dan/x/@1", station="cong-dan", actor="test")
        with pytest.raises(SupplementRefused):  # a request must name what is missing
            filings.request_supplement(session, dossier, [], "thiếu giấy tờ", actor="cán bộ A")
        items = parse_items("Hợp đồng thuê nhà — chưa có trong hồ sơ\n- Văn bản đồng ý: thiếu chữ ký chủ nhà\n")
        assert items == [{"name": "Hợp đồng thuê nhà", "reason": "chưa có trong hồ sơ"}, {"name": "Văn bản đồng ý", "reason": "thiếu chữ ký chủ nhà"}]
        first = filings.request_supplement(session, dossier, items, "Thiếu giấy tờ chỗ ở", actor="cán bộ A")
        assert filings.request_reason(first) == "yêu cầu bổ sung: Hợp đồng thuê nhà (chưa có trong hồ sơ); Văn bản đồng ý (thiếu chữ ký chủ nhà)"
        for ground in ("", "  thiếu GIẤY TỜ chỗ ở "):  # no ground, or the same one again
            with pytest.raises(SupplementRefused) as refused:
                filings.request_supplement(session, dossier, items[:1], ground, actor="cán bộ B")
            assert refused.value.code == "bo-sung-lan-hai-khong-co-can-cu-moi"
        again = filings.request_supplement(session, dossier, items[:1], "Hợp đồng đã hết hạn", actor="cán bộ B")
        assert [r.id for r in filings.requests(session, dossier.id)] == [first.id, again.id]


def test_the_days_waited_for_the_resident_are_days_off() -> None:
    asked = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)  # 09:00 on Tuesday 1 December in Việt Nam
    answered = datetime(2026, 12, 4, 1, 0, tzinfo=timezone.utc)  # Friday morning
    assert waiting_days([(asked, answered)]) == (date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3))
    assert waiting_days([(asked, asked + timedelta(hours=2))]) == ()  # answered the same day: nothing waited
    assert waiting_days([(asked, None)], today=date(2026, 12, 2)) == (date(2026, 12, 1), date(2026, 12, 2))


def test_pins_are_kept_only_as_salted_hashes_and_signed_values_expire() -> None:
    signer = Signer(b"secret")
    pin = new_pin()
    stored, again = hash_pin(pin, signer.pepper), hash_pin(pin, signer.pepper)
    assert pin not in stored and stored != again  # a salt of its own
    assert check_pin(pin, stored, signer.pepper) and not check_pin("000000" if pin != "000000" else "111111", stored, signer.pepper)
    assert not check_pin(pin, None, signer.pepper)  # an unknown code
    assert not check_pin(pin, stored, Signer(b"other").pepper)  # the hash alone is not enough
    token = signer.sign("000.00.00.H30-261202-0001", 4_000_000_000)
    assert signer.verify(token, "000.00.00.H30-261202-0001") and not signer.verify(token, "000.00.00.H30-261202-0002")
    assert not signer.verify(signer.sign("x", 1), "x") and not Signer(b"other").verify(token, "000.00.00.H30-261202-0001")
    assert signer.csrf_ok("browser-1", signer.csrf_token("browser-1")) and not signer.csrf_ok("browser-2", signer.csrf_token("browser-1"))


def test_guessing_is_limited_per_key() -> None:
    limiter = AttemptLimiter(limit=2, window_s=3600)
    limiter.fail("ip:1", "code:A")
    assert not limiter.blocked("ip:1", "code:A")
    limiter.fail("ip:2", "code:A")
    assert limiter.blocked("ip:3", "code:A") and not limiter.blocked("ip:1", "code:B")
