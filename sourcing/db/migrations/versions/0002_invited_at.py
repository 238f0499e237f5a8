"""invites remember when they were sent (traceability record: "invité le")

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: invitations made before this column existed have no known date.
    with op.batch_alter_table("meeting_invites") as batch:
        batch.add_column(sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_invites") as batch:
        batch.drop_column("invited_at")
