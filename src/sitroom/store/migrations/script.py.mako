"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

from sitroom.store._alembic import apply_revision

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(revision)
