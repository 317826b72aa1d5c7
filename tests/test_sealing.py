"""Sealed dossier sources: what Prefect stores in run parameters and events."""

from __future__ import annotations

import unicodedata

import pytest

from core.errors import ConfigError
from core.sealing import PREFIX, digest, seal, unseal
from core.settings import Settings

SOURCE = unicodedata.normalize("NFC", "quay-2/Nguyễn Văn An 01-02-1990.pdf")


def test_a_sealed_source_opens_with_the_same_secret_only() -> None:
    sealed = seal(SOURCE, "bi-mat-1")
    assert sealed.startswith(PREFIX)
    assert "Nguy" not in sealed and "1990" not in sealed and "quay-2" not in sealed
    assert unseal(sealed, "bi-mat-1") == SOURCE
    with pytest.raises(ConfigError) as error:
        unseal(sealed, "bi-mat-khac")
    assert error.value.code == "cau-hinh-sai" and "HOSO_SEAL_SECRET" in error.value.message


def test_a_plain_source_typed_by_an_operator_passes_through() -> None:
    assert unseal("quay-1/ho-so-1.pdf", "bi-mat-1") == "quay-1/ho-so-1.pdf"


def test_the_resource_digest_is_stable_keyed_and_one_way() -> None:
    import hashlib

    assert digest(SOURCE, "k") == digest(SOURCE, "k") != digest(SOURCE + "x", "k")
    assert digest(SOURCE, "k") != digest(SOURCE, "k2")  # keyed: guessing names and hashing them does not match
    assert digest(SOURCE, "k") not in hashlib.sha256(SOURCE.encode()).hexdigest()
    assert "Nguy" not in digest(SOURCE, "k") and len(digest(SOURCE, "k")) == 24


def test_the_secret_is_the_s3_secret_unless_set(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert Settings(home=tmp_path, s3_secret_key="s3-bi-mat").sealing_secret == "s3-bi-mat"
    assert Settings(home=tmp_path, s3_secret_key="s3-bi-mat", seal_secret="rieng").sealing_secret == "rieng"
