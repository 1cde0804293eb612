"""Alembic migrations; a package so env.py ships with an installed wavebot."""
