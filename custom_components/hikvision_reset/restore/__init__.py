"""Restoring a camera: the restorer, the settings saved before, the backups, the kept record."""
