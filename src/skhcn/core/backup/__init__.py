"""Backup and restore of the whole installation: one tar archive with the database, every uploaded file and a
manifest of SHA-256 checksums (operators' guide: docs/sao-luu.md).

``services`` holds the two operations; ``archive`` the file format, ``database`` the per-vendor snapshot and
restore, ``files`` the storages and the database columns that name stored files.
"""
