"""Alembic environment of the Sitroom schema: delegates to ``sitroom.store._alembic``."""

from alembic import context

from sitroom.store._alembic import run_environment

run_environment(context)
