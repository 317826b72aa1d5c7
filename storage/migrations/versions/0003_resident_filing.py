"""residents' portal: the filing behind a dossier filed online, and requests for missing papers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 14:00:00

``resident_filing`` holds, for a dossier filed on the portal, the hash of its lookup PIN,
the contact the receipt went to, and the applicant apart from the person filing.
``supplement_request`` is an official's one request for missing papers, with the days it
waited (not counted towards the promised date).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'resident_filing',
        sa.Column('dossier_id', sa.String(length=32), sa.ForeignKey('dossier.id'), primary_key=True),
        sa.Column('receipt', sa.String(length=64), nullable=False, unique=True),
        sa.Column('procedure', sa.String(length=64), nullable=False),
        sa.Column('commune', sa.String(length=64), nullable=False),
        sa.Column('pin_hash', sa.String(length=256), nullable=False),
        sa.Column('applicant_name', sa.String(length=256), nullable=False),
        sa.Column('filer_name', sa.String(length=256), nullable=True),
        sa.Column('filer_role', sa.String(length=128), nullable=True),
        sa.Column('email', sa.String(length=320), nullable=True),
        sa.Column('phone', sa.String(length=32), nullable=True),
        sa.Column('promised', sa.Date(), nullable=False),
        sa.Column('notified_status', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'supplement_request',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('dossier_id', sa.String(length=32), sa.ForeignKey('dossier.id'), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('ground', sa.Text(), nullable=False),
        sa.Column('requested_by', sa.String(length=128), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_supplement_request_dossier_id', 'supplement_request', ['dossier_id'])


def downgrade() -> None:
    op.drop_index('ix_supplement_request_dossier_id', 'supplement_request')
    op.drop_table('supplement_request')
    op.drop_table('resident_filing')
