"""Key tables and indexes for large databases (sitroom.store._indexes).

Revision ID: 0003
Revises: 0002
"""

from sitroom.store._alembic import apply_revision

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(revision)
