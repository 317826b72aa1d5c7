"""The error hierarchy of hoso, each class with a stable code.

Codes are part of hoso's interface: they land in quarantine reasons, in the
JSON of ``hoso show`` and in exit codes, so they never change meaning.
Messages are Vietnamese because officials act on them.
"""

from __future__ import annotations


class HosoError(Exception):
    """Base of every error hoso raises on purpose."""

    code: str = "loi-hoso"
    exit_code: int = 1

    def __init__(self, message: str, *, code: str | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.detail = detail

    def as_dict(self) -> dict[str, str]:
        out = {"code": self.code, "message": self.message}
        if self.detail:
            out["detail"] = self.detail
        return out


class ConfigError(HosoError):
    """Settings or data files are wrong: nothing can run until a person fixes them."""

    code = "cau-hinh-sai"
    exit_code = 3


class CatalogueError(ConfigError):
    """The procedure/office catalogue failed validation (names the file and the entry)."""

    code = "danh-muc-sai"


class InputError(HosoError):
    """A file a user gave cannot be processed; it goes to the quarantine, the batch goes on.

    Permanent by nature: retrying the same bytes gives the same answer.
    """

    code = "dau-vao-hong"
    exit_code = 4


class EmptyFile(InputError):
    code = "tep-rong"


class UnsupportedFile(InputError):
    code = "dinh-dang-khong-ho-tro"


class CorruptFile(InputError):
    code = "tep-hong"


class EncryptedFile(InputError):
    code = "tep-ma-hoa"


class TooLarge(InputError):
    """Size, page count or pixel count over the configured limit."""

    code = "vuot-gioi-han"


class IncompleteDossier(InputError):
    """A manifest names files that are not there."""

    code = "ho-so-thieu-tep"


class EngineError(HosoError):
    """Tesseract failed on a page for a reason other than time (a crash, a missing language)."""

    code = "loi-ocr"


class StorageError(HosoError):
    """Object store or database failed; usually transient, so callers may retry."""

    code = "loi-luu-tru"
    exit_code = 5


class ClaimLost(HosoError):
    """Another run took the dossier over after this run's lease ran out: this run stops without settling it,
    so a dossier is settled (and handed off) once, however slow its first run was."""

    code = "luot-khac-da-tiep-quan"


class StackError(HosoError):
    """The local stack (S3 server, Prefect server, worker) could not be started or reached."""

    code = "loi-dich-vu"
    exit_code = 6


class SupplementRefused(HosoError):
    """A second request for missing papers without a new ground: the law asks for one complete request
    (Nghị định 61/2018/NĐ-CP, Điều 19), so the dossier is not sent back to the resident again."""

    code = "bo-sung-lan-hai-khong-co-can-cu-moi"
    exit_code = 4
