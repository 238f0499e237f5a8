"""the catalogue of directory sources (files, live fetches, the demo), merged into versions on disk

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(40), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("format_label", sa.String(200), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_date", sa.String(10), nullable=True),
        sa.Column("data_date_origin", sa.String(40), nullable=False),
        sa.Column("licence", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("families", sa.JSON(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_loaded", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("suppliers", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.CheckConstraint("state IN ('pending', 'active', 'removing')", name="state"),
        sa.CheckConstraint("kind IN ('file', 'fetch', 'demo')", name="kind"),
        sa.UniqueConstraint("uid"),
    )


def downgrade() -> None:
    op.drop_table("directory_sources")
