"""Dossiers waiting for an official, written straight into a real database as the pipeline leaves them.

Reviews are about what hoso concluded, not about reading: a marriage dossier whose
bride's name was not found, a residence dossier without its proof of accommodation.
Building them from their end state keeps the review tests free of OCR time. The
people come from the sample generator, so a test can grep for them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timezone

from domain.catalogue import Catalogue
from samples.people import People
from storage import repository
from storage.database import migrate, session_scope


@dataclass(frozen=True)
class WaitingCase:
    dossier_id: str
    procedure: str
    secrets: tuple[str, ...]  # names, IDs, dates of birth, street addresses that must never show masked-off places


def _register(db_url: str, source: str) -> str:
    migrate(db_url)  # idempotent
    with session_scope(db_url) as s:
        dossier, _ = repository.register(s, source=source, identity=f"{source}@1", station="quay-1", actor="test")
        return dossier.id


def _settle_as_review(db_url: str, dossier_id: str, procedure: str, office: str, commune: str | None,
                      fields: dict[str, dict[str, object]], problems: list[tuple[str, str, str, str | None]], receipt: str) -> None:
    with session_scope(db_url) as s:
        dossier = repository.get(s, dossier_id)
        assert dossier is not None
        dossier.procedure, dossier.office, dossier.commune, dossier.receipt = procedure, office, commune, receipt
        dossier.received_at = datetime.now(timezone.utc)
        dossier.fields = fields
        for code, message, severity, field in problems:
            repository.add_problem(dossier, code, message, severity, field)
        repository.set_status(s, dossier, "needs_review", actor="process_dossier", reason="test")


def marriage_missing_bride_name(db_url: str, catalogue: Catalogue, seed: int = 1) -> WaitingCase:
    """A marriage dossier whose bride's name hoso did not find on the form (required: an official must supply it)."""
    people = People(random.Random(seed), catalogue, date(2026, 12, 1))
    bride, groom = people.person("Nữ", min_age=22, max_age=35), people.person("Nam", min_age=22, max_age=35)
    dossier_id = _register(db_url, f"quay-1/{bride.name} ket hon.pdf")
    spec = catalogue.procedure("ket-hon").field("bride_name")
    missing = catalogue.problem("chua-doc-duoc-thong-tin", field="bride_name", field_title=spec.title)
    fields = {
        "bride_dob": {"value": f"{bride.dob:%d/%m/%Y}", "confidence": 0.9, "page": 1},
        "bride_id": {"value": bride.personal_id, "confidence": 0.9, "page": 1},
        "bride_address": {"value": bride.address.text(), "confidence": 0.8, "page": 1},
        "groom_name": {"value": groom.name, "confidence": 0.9, "page": 1},
        "groom_dob": {"value": f"{groom.dob:%d/%m/%Y}", "confidence": 0.9, "page": 1},
        "groom_id": {"value": groom.personal_id, "confidence": 0.9, "page": 1},
    }
    _settle_as_review(db_url, dossier_id, "ket-hon", "ubnd-van-phong", "phuong-hoan-kiem", fields,
                      [(missing.code, missing.message, missing.severity, missing.field)], "000.00.00.H30-261201-0101")
    secrets = (bride.name, groom.name, bride.personal_id, groom.personal_id, f"{bride.dob:%d/%m/%Y}", f"{groom.dob:%d/%m/%Y}", bride.address.house or bride.address.street)
    return WaitingCase(dossier_id, "ket-hon", tuple(s for s in secrets if s))


def residence_without_attachment(db_url: str, catalogue: Catalogue, seed: int = 2, receipt: str = "000.00.00.H30-261201-0102") -> WaitingCase:
    """A temporary-residence dossier without its proof of accommodation, whose ID hoso read unsurely."""
    people = People(random.Random(seed), catalogue, date(2026, 12, 1))
    applicant = people.person(min_age=20, max_age=60)
    residence = people.address()
    dossier_id = _register(db_url, f"quay-1/{applicant.name} tam tru.pdf")
    entry = catalogue.procedure("tam-tru")
    doubtful = catalogue.problem(
        "thong-tin-khong-chac-chan", field="applicant_id", field_title=entry.field("applicant_id").title,
        value=applicant.personal_id, confidence=41,
    )
    lacking = catalogue.problem("thieu-giay-to-kem-theo", attachment=entry.attachments[0].name)
    unsure_place = catalogue.problem("xa-phuong-ngoai-danh-muc", text=residence.text())
    request = f"Đăng ký tạm trú tại {residence.text()}"
    fields = {
        "applicant_name": {"value": applicant.name, "confidence": 0.9, "page": 1},
        "applicant_dob": {"value": f"{applicant.dob:%d/%m/%Y}", "confidence": 0.9, "page": 1},
        "applicant_id": {"value": applicant.personal_id, "confidence": 0.41, "page": 1},
        "request": {"value": request, "confidence": 0.9, "page": 1},
    }
    problems = [(p.code, p.message, p.severity, p.field) for p in (doubtful, lacking, unsure_place)]
    _settle_as_review(db_url, dossier_id, "tam-tru", "cong-an", None, fields, problems, receipt)
    house = residence.house or residence.street
    secrets = (applicant.name, applicant.personal_id, f"{applicant.dob:%d/%m/%Y}", house)
    return WaitingCase(dossier_id, "tam-tru", tuple(s for s in secrets if s))
