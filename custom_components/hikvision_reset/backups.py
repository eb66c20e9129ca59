"""Configuration backups: saved before every restore, put back on request.

They are taken before every restore started from Home Assistant (button, action, voice) and put
back by the ``restore_configuration`` action.

Files: ``<config>/hikvision_reset/backups/<serial>/<UTC time>.bin``, the camera's own
configuration file as ``GET /ISAPI/System/configurationData`` gives it, streamed to disk (never
held in memory whole), at most 32 MiB, the newest five kept. A configuration file carries the
camera's users, so putting one back also puts back the admin password of that time: the password
Home Assistant used when it took the backup is kept with the entry (``backup_passwords``, like
the entry's own password) so that Home Assistant can log in afterwards.

Newer firmware may export only with an export password (a ``secretkey``; one public source, not
implemented here): such a camera's backup fails with a clear message, and a restore then needs
``backup: false``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
import re
import shutil
from typing import IO, Final

from homeassistant.core import HomeAssistant

from .const import DOMAIN
from .isapi import IsapiClient, IsapiError

KEEP: Final = 5
SUFFIX: Final = ".bin"
CONF_BACKUP_PASSWORDS: Final = "backup_passwords"
_STAMP: Final = "%Y%m%dT%H%M%SZ"


class BackupFailedError(IsapiError):
    """The camera's settings could not be saved, so nothing destructive was sent."""


@dataclass(frozen=True, slots=True)
class Backup:
    """One saved configuration file."""

    name: str
    path: Path
    size: int
    created: datetime

    def describe(self) -> dict[str, str | int]:
        """What diagnostics and the action may show: never the contents."""
        return {"name": self.name, "size": self.size, "created": self.created.isoformat()}


def backup_dir(hass: HomeAssistant, serial: str) -> Path:
    """The folder of one camera's backups."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", serial)[:80] or "camera"
    return Path(hass.config.path(DOMAIN, "backups", safe))


def _list(directory: Path) -> list[Backup]:
    if not directory.is_dir():
        return []
    found = []
    for path in directory.glob(f"*{SUFFIX}"):
        try:
            created = datetime.strptime(path.stem, _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(Backup(path.name, path, path.stat().st_size, created))
    return sorted(found, key=lambda b: b.created, reverse=True)


async def async_list(hass: HomeAssistant, serial: str) -> list[Backup]:
    """The camera's backups, newest first."""
    return await hass.async_add_executor_job(_list, backup_dir(hass, serial))


async def async_take(hass: HomeAssistant, client: IsapiClient, serial: str) -> Backup:
    """Download the camera's configuration now; the oldest backups beyond five go."""
    directory = backup_dir(hass, serial)
    created = datetime.now(UTC).replace(microsecond=0)
    name = f"{created.strftime(_STAMP)}{SUFFIX}"
    final = directory / name
    partial = directory / f".{name}.part"

    def open_partial() -> IO[bytes]:
        directory.mkdir(parents=True, exist_ok=True)
        return partial.open("wb")

    handle = await hass.async_add_executor_job(open_partial)

    async def write(chunk: bytes) -> None:
        await hass.async_add_executor_job(handle.write, chunk)

    size: int | None = None
    try:
        size = await client.download_configuration(write)
    finally:
        if size is None:  # failed or cancelled: no half file is left behind
            await hass.async_add_executor_job(_discard, handle, partial)
    await hass.async_add_executor_job(_keep, handle, partial, final, directory)
    return Backup(name, final, size, created)


def _discard(handle: IO[bytes], partial: Path) -> None:
    handle.close()
    partial.unlink(missing_ok=True)


def _keep(handle: IO[bytes], partial: Path, final: Path, directory: Path) -> None:
    handle.close()
    partial.replace(final)
    for old in _list(directory)[KEEP:]:
        old.path.unlink(missing_ok=True)


async def async_read(hass: HomeAssistant, backup: Backup) -> bytes:
    """The file's bytes (to upload it)."""
    return await hass.async_add_executor_job(backup.path.read_bytes)


async def async_remove_all(hass: HomeAssistant, serial: str) -> None:
    """The camera was deleted from Home Assistant: its backups go too."""
    await hass.async_add_executor_job(
        lambda: shutil.rmtree(backup_dir(hass, serial), ignore_errors=True)
    )
