"""One vocabulary: every status a dossier can be in has one Vietnamese name, the days left one wording,
every field one label, and what officials read in the CLI and the artifacts comes from there."""

from __future__ import annotations

from typing import get_args

from domain.catalogue_loading import default_catalogue
from domain.model import Status
from domain.vocabulary import days_left_text, status_label, statuses
from tasks.publish import dossier_markdown


def test_every_status_has_its_national_name_and_hoso_wording() -> None:
    table = statuses()
    for status in (*get_args(Status), "received", "processing", "done"):
        assert status in table, status
        entry = table[status]
        assert 1 <= entry.code <= 10 and entry.national and entry.label
    assert table["rejected"].national == "Không được tiếp nhận"
    assert status_label("rejected") == "không được tiếp nhận"
    assert status_label("claimed-elsewhere") == "đang được lượt khác xử lý"
    assert status_label("something-new") == "something-new"


def test_days_left_are_worded_one_way() -> None:
    assert [days_left_text(d) for d in (5, 1, 0, -2, None)] == ["còn 5 ngày", "còn 1 ngày", "đến hạn hôm nay", "quá hạn 2 ngày", "-"]


def test_fields_are_named_as_the_forms_name_them_never_by_slug() -> None:
    catalogue = default_catalogue()
    assert catalogue.field_label("khai-sinh", "applicant_name") == "Họ, chữ đệm, tên người yêu cầu"
    assert catalogue.field_label("thuong-tru", "head_id") == "Số định danh cá nhân của chủ hộ"
    # A field the procedure's form does not carry still gets a Vietnamese label, not its slug.
    assert catalogue.field_label("khai-sinh", "head_id") == "Số định danh cá nhân của chủ hộ"
    assert catalogue.field_label(None, "applicant_id") == "Số định danh cá nhân của người yêu cầu"
    for procedure in catalogue.procedures:
        for spec in procedure.fields:
            assert catalogue.field_label(procedure.slug, spec.name) != spec.name


def test_the_artifact_speaks_the_one_vocabulary() -> None:
    from datetime import date

    catalogue = default_catalogue()
    from storage.records import DossierRecord, FieldRecord

    record = DossierRecord(
        id="abc", source="quay-1/a.pdf", station="quay-1", procedure="khai-sinh", office=None, commune=None, status="rejected",
        receipt=None, due=date(2026, 3, 5), received_at=None, sha256="0" * 64, duplicate_of=None,
        fields={"head_id": FieldRecord("001203012345", 0.9)},
    )
    markdown = dossier_markdown(record, catalogue, None, date(2026, 3, 7))
    assert f"**Trạng thái:** {status_label('rejected')}" in markdown
    assert "(quá hạn 2 ngày)" in markdown
    assert "| Số định danh cá nhân của chủ hộ |" in markdown and "head_id" not in markdown
