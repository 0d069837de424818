"""Merged items and near-duplicate documents (sitroom.merge).

Revision ID: 0002
Revises: 0001
"""

from sitroom.store._alembic import apply_revision

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(revision)
