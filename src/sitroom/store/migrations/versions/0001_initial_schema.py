"""Initial schema: documents, items, mentions, views and full-text search.

Revision ID: 0001
Revises: none
"""

from sitroom.store._alembic import apply_revision

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(revision)
