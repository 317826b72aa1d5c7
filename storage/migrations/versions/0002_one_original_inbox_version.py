"""one original per content; the archived inbox version of each file

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 09:00:00

``dossier.original_sha256`` is set on the one original of its content, under a unique
index (SQLite and PostgreSQL both let any number of rows hold NULL), so two runs that
archive the same bytes at once cannot both settle as originals: the second write fails
and that dossier becomes the duplicate. Existing rows are backfilled with the rule the
duplicate check used so far (the earliest-received dossier of its content that is not a
duplicate and not quarantined); a pair that was already settled twice keeps its records,
only the earlier of the two holds the content from now on.

``dossier_file.inbox_version`` is the S3 version id of the inbox object that was archived,
so clearing the inbox deletes that version and never a newer one under the same key.
Rows archived before this revision have none (NULL); for them the inbox is cleared only
after the listed version's bytes are read and found equal to the archived SHA-256.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_sha256', sa.String(length=64), nullable=True))
    op.execute(
        """
        UPDATE dossier SET original_sha256 = sha256
        WHERE sha256 <> '' AND duplicate_of IS NULL AND status <> 'quarantined'
          AND NOT EXISTS (
            SELECT 1 FROM dossier AS earlier
            WHERE earlier.sha256 = dossier.sha256 AND earlier.duplicate_of IS NULL AND earlier.status <> 'quarantined'
              AND (earlier.received_at < dossier.received_at
                   OR (earlier.received_at = dossier.received_at AND earlier.id < dossier.id))
          )
        """
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_original_sha256'), ['original_sha256'], unique=True)
    with op.batch_alter_table('dossier_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inbox_version', sa.String(length=1024), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dossier_file', schema=None) as batch_op:
        batch_op.drop_column('inbox_version')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_original_sha256'))
        batch_op.drop_column('original_sha256')
