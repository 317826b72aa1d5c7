"""Who may do what in the buckets: the S3 policies of hoso's parts, and the identities file of the embedded server.

The policies are data (``storage/policies/*.json``), written as IAM policies in the
form MinIO takes (``mc admin policy create ALIAS hoso-station station.json``) and
written for the default bucket prefix ``hoso``. `weed mini` evaluates the very same
documents: its S3 configuration file (``-s3.config``) holds named ``policies`` and
identities with ``policyNames``, checked per S3 action (``s3:PutObject`` apart from
``s3:DeleteObject``), with ``${aws:username}`` standing for the identity's name, as
MinIO has it for the user's access key. So a station's identity is named, and its
access key is, the station's inbox folder.

* ``station``: put into ``<prefix>-inbox/<its name>/`` and list that folder only;
  it reads nothing, deletes nothing, and sees no other station's folder.
* ``worker``: read and delete (by version) in the inbox; read and write the archive,
  the quarantine and the office areas; nothing else: no bucket made or dropped, no
  policy, versioning or notification changed, nothing in the archive deleted.
* ``portal``: put (and take back, when a filing fails half-way) the residents' folders
  under ``<prefix>-inbox/cong-dan/``, and read the archive for the papers a supplement
  sends back into the pipeline; it lists and deletes nothing else.
* The event receiver holds no S3 key at all: it only turns MinIO's notifications into
  Prefect events.

An administrator identity (the operator's ``HOSO_S3_ACCESS_KEY``) makes the buckets
and turns versioning on (``hoso up``); nothing in the pipeline runs with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Role = Literal["station", "worker", "portal"]
ROLES: tuple[Role, ...] = ("station", "worker", "portal")
POLICY_DIR = Path(__file__).parent / "policies"
DEFAULT_PREFIX = "hoso"
# What the embedded server's administrator may do: every legacy action, "Admin" included.
ADMIN_ACTIONS = ("Admin", "Read", "Write", "List", "Tagging")


@dataclass(frozen=True, slots=True)
class S3Identity:
    """One S3 login: its name (a station's name for a station), keys and role (None: the administrator)."""

    name: str
    access_key: str
    secret_key: str
    role: Role | None

    def __repr__(self) -> str:  # the secret never shows in a log or a traceback
        return f"S3Identity(name={self.name!r}, access_key={self.access_key!r}, role={self.role!r})"


def policy_name(role: Role) -> str:
    """The policy's name on the server (``mc admin policy create ALIAS hoso-station …``)."""
    return f"hoso-{role}"


def policy_document(role: Role, bucket_prefix: str = DEFAULT_PREFIX) -> dict[str, Any]:
    """The role's policy from its file, its buckets renamed for ``bucket_prefix``
    (which may be a pattern, ``t*``: the tests' buckets, one prefix per test)."""
    text = (POLICY_DIR / f"{role}.json").read_text(encoding="utf-8")
    if bucket_prefix != DEFAULT_PREFIX:
        text = text.replace(f"arn:aws:s3:::{DEFAULT_PREFIX}-", f"arn:aws:s3:::{bucket_prefix}-")
    document: dict[str, Any] = json.loads(text)
    return document


def seaweed_s3_config(identities: list[S3Identity], bucket_prefix: str = DEFAULT_PREFIX) -> dict[str, Any]:
    """The `weed mini -s3.config` document: every identity with its keys, each role's policy attached by name."""
    roles = sorted({i.role for i in identities if i.role is not None})
    return {
        "identities": [
            {
                "name": i.name,
                "credentials": [{"accessKey": i.access_key, "secretKey": i.secret_key}],
                **({"actions": list(ADMIN_ACTIONS)} if i.role is None else {"policyNames": [policy_name(i.role)]}),
            }
            for i in identities
        ],
        "policies": [
            {"name": policy_name(role), "content": json.dumps(policy_document(role, bucket_prefix))} for role in roles
        ],
    }
