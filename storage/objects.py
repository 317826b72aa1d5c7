"""Object storage through the `minio` SDK, for MinIO in production and `weed mini` locally.

hoso keeps four private buckets, one per area, so that access can be granted
per area (scan stations write the inbox only; offices read their hand-off area):

* ``<prefix>-inbox``      what scan stations drop, one prefix per station;
* ``<prefix>-archive``    each dossier's originals and everything derived from them;
* ``<prefix>-quarantine`` what could not be processed, with a JSON reason beside it;
* ``<prefix>-offices``    the hand-off area: one manifest per routed dossier under its office.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import urllib3
from minio import Minio
from minio.commonconfig import ENABLED
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from minio.versioningconfig import VersioningConfig

from core.errors import StorageError

Area = Literal["inbox", "archive", "quarantine", "offices"]
AREAS: tuple[Area, ...] = ("inbox", "archive", "quarantine", "offices")
# The inbox keeps every version a station writes under a key, so that taking a
# finished dossier out of it removes exactly the version that was archived (by its
# version id) and never a newer one a station put under the same name meanwhile.
VERSIONED: frozenset[Area] = frozenset({"inbox"})


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    size: int
    etag: str
    version_id: str | None = None  # in a versioned area: which version this is ("null": written before versioning)


class ObjectStore:
    """Thin, typed face of one S3 endpoint; every call names the area, never a raw bucket."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        *,
        secure: bool = False,
        region: str = "us-east-1",
        bucket_prefix: str = "hoso",
    ) -> None:
        # Short timeouts and no urllib3-level retries: retrying is the pipeline's
        # decision (Prefect task retries), not something to hide in the client.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=5, read=60),
            maxsize=16,
            retries=urllib3.Retry(total=0, connect=0, read=0, redirect=2),
        )
        self._client = Minio(
            endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region, http_client=http
        )
        self._prefix = bucket_prefix
        self.endpoint = endpoint

    @classmethod
    def from_settings(cls, settings: Any) -> "ObjectStore":
        return cls(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key.get_secret_value(),
            secure=settings.s3_secure,
            region=settings.s3_region,
            bucket_prefix=settings.bucket_prefix,
        )

    def bucket(self, area: Area) -> str:
        return f"{self._prefix}-{area}"

    def ensure_buckets(self) -> None:
        for area in AREAS:
            name = self.bucket(area)
            if not self._client.bucket_exists(name):
                try:
                    self._client.make_bucket(name)
                except S3Error as exc:  # a concurrent creator won the race
                    if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                        raise
            if area in VERSIONED and self._client.get_bucket_versioning(name).status != ENABLED:
                # Also on an inbox made before versioning: what it holds gets the version "null".
                self._client.set_bucket_versioning(name, VersioningConfig(ENABLED))

    def put(self, area: Area, key: str, data: bytes, content_type: str = "application/octet-stream") -> StoredObject:
        result = self._client.put_object(self.bucket(area), key, io.BytesIO(data), len(data), content_type=content_type)
        return StoredObject(key=key, size=len(data), etag=result.etag, version_id=result.version_id)

    def put_json(self, area: Area, key: str, payload: Any) -> StoredObject:
        data = json.dumps(payload, ensure_ascii=False, indent=2, default=str).encode("utf-8")
        return self.put(area, key, data, "application/json; charset=utf-8")

    def get(self, area: Area, key: str, version_id: str | None = None) -> bytes:
        """The object's bytes: its current version, or exactly ``version_id``."""
        response = self._client.get_object(self.bucket(area), key, version_id=version_id)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def get_json(self, area: Area, key: str) -> Any:
        return json.loads(self.get(area, key))

    def stat(self, area: Area, key: str) -> StoredObject | None:
        try:
            info = self._client.stat_object(self.bucket(area), key)
        except S3Error as exc:
            if exc.code in {"NoSuchKey", "NoSuchObject", "ResourceNotFound"}:
                return None
            raise
        return StoredObject(key=key, size=info.size or 0, etag=(info.etag or "").strip('"'))

    def exists(self, area: Area, key: str) -> bool:
        return self.stat(area, key) is not None

    def list(self, area: Area, prefix: str = "") -> Iterator[StoredObject]:
        """The current objects; in a versioned area each with its version id, read in the same listing as its ETag.

        One ListObjectVersions answer gives ETag and version id together, so they belong
        to the same version; a HEAD after a plain listing could already see a newer one.
        """
        versioned = area in VERSIONED
        for obj in self._client.list_objects(self.bucket(area), prefix=prefix or None, recursive=True, include_version=versioned):
            if obj.is_dir or obj.object_name is None or obj.is_delete_marker:
                continue
            if versioned and str(obj.is_latest).lower() != "true":
                continue
            yield StoredObject(key=obj.object_name, size=obj.size or 0, etag=(obj.etag or "").strip('"'), version_id=obj.version_id if versioned else None)

    def keys(self, area: Area, prefix: str) -> Iterator[str]:
        """The current keys under ``prefix`` by a plain listing: all a scan station may do (s3:ListBucket on its
        own folder, storage/policies/station.json), where ``list`` on the inbox also lists versions."""
        for obj in self._client.list_objects(self.bucket(area), prefix=prefix, recursive=True):
            if obj.object_name is not None and not obj.is_dir:
                yield obj.object_name

    def remove(self, area: Area, key: str, version_id: str | None = None) -> None:
        """Delete the object; in a versioned area pass ``version_id`` to delete that version for good and nothing else.

        Without it a versioned bucket only puts a delete marker on top of the key (MinIO and
        `weed mini` alike), hiding every version instead of removing one.
        """
        self._client.remove_object(self.bucket(area), key, version_id=version_id)

    def drop_all(self, prefix: str) -> int:
        """Delete every object and bucket of this store; returns the objects removed.

        For throwaway prefixes only (benchmarks): `weed mini` has a fixed number of
        volume slots, every bucket takes some, and once they are gone every write
        fails. ``prefix`` must repeat the store's own, so no caller drops the real
        buckets by mistake.
        """
        if prefix != self._prefix:
            raise ValueError(f"drop_all({prefix!r}) on the store with prefix {self._prefix!r}")
        removed = 0
        for area in AREAS:
            name = self.bucket(area)
            if not self._client.bucket_exists(name):
                continue
            # every version and delete marker, or a versioned bucket is never empty
            versions = [
                (obj.object_name, obj.version_id, bool(obj.is_delete_marker))
                for obj in self._client.list_objects(name, recursive=True, include_version=area in VERSIONED)
                if obj.object_name is not None and not obj.is_dir
            ]
            for error in self._client.remove_objects(name, (DeleteObject(k, v) for k, v, _ in versions)):
                raise StorageError(f"Không xoá được «{error.name}» khỏi {name}.", detail=str(error))
            removed += sum(1 for _, _, marker in versions if not marker)
            self._client.remove_bucket(name)
        return removed

    def presigned_url(self, area: Area, key: str, expires: timedelta = timedelta(hours=1)) -> str:
        return self._client.presigned_get_object(self.bucket(area), key, expires=expires)
