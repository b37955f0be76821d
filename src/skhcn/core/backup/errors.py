from skhcn.core.errors import UserFacingError


class BackupError(UserFacingError):
    """A backup or restore refused or failed; ``message`` is Vietnamese and says whether anything was changed.

    Codes: corrupt, checksum, not_empty, vendor_mismatch, newer_version, missing_files, database, storage, config.
    """
