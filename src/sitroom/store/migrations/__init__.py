"""Sitroom's Alembic environment: ``env.py`` and one revision file per schema migration.

``Store`` runs it when it opens a database (``sitroom.store._alembic``); no ``alembic.ini`` is
needed. Revision ``"000N"`` applies ``Migration(N, ...)`` of ``sitroom.store._migrations``.
"""
