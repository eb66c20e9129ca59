"""Configuration backups: saved before a restore when the camera offers them, put back on request.

A backup is an extra, never a precondition of the restore: a camera that does not offer its
settings for download (404/405/501, ``notSupport``/``invalidOperation``, an export password we
cannot give, no file at all) is restored without one, and told so; only a failure of a download
the camera does offer (stalled or cut off, a 5xx, over the cap, Home Assistant's disk) stops the
restore. What a camera offers is learned from its first answer and kept with the entry (per
firmware version), so a camera that offers nothing costs no request per press.

Files: ``<config>/hikvision_reset/backups/<serial>/<UTC time>.bin``, the camera's own
configuration file as ``GET /ISAPI/System/configurationData`` gives it, streamed to disk (never
held in memory whole), at most 32 MiB, the newest five kept. A configuration file carries the
camera's users, so putting one back also puts back the admin password of that time: the password
Home Assistant used when it took the backup is kept with the entry (``backup_passwords``, like
the entry's own password) so that Home Assistant can log in afterwards.

Newer firmware may export only with an export password (``?secretkey=``, encrypted with a key
that the two public sources disagree on): not implemented, so such a camera counts as not
offering its settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
import re
import shutil
from typing import IO, Any, Final

from homeassistant.core import HomeAssistant

from .const import DOMAIN
from .isapi import (
    IsapiClient,
    IsapiError,
    IsapiInvalidResponseError,
    IsapiNotSupportedError,
    IsapiResponseStatusError,
    IsapiTooLargeError,
)

KEEP: Final = 5
MAX_BYTES: Final = 32 << 20  # a camera's file is tens to hundreds of KB; refuse anything absurd
SUFFIX: Final = ".bin"
CONF_BACKUP_PASSWORDS: Final = "backup_passwords"
# What the camera offers, as learned: {"offered": bool, "reason": str | None, "firmware": str}.
CONF_SETTINGS_DOWNLOAD: Final = "settings_download"
_STAMP: Final = "%Y%m%dT%H%M%SZ"
# A refusal naming these asks for a parameter a plain download lacks: the export password.
_KEY_WORDS: Final = ("secret", "key", "password", "badparameter", "missingparameter")


class SettingsBackup(StrEnum):
    """What became of the camera's settings before a restore."""

    SAVED = "saved"
    NOT_OFFERED = "not_offered"  # the camera gives no configuration file
    EXPORT_PASSWORD = "export_password"  # only with an export password (not supported)
    SKIPPED = "skipped"  # the action was run with backup: false


class BackupFailedError(IsapiError):
    """The camera offers its settings, but this download failed: nothing destructive was sent."""


class BackupDiskError(BackupFailedError):
    """Home Assistant could not write the file."""


class BackupTooLargeError(BackupFailedError):
    """The file is larger than Home Assistant keeps."""


def not_offered(err: IsapiError) -> SettingsBackup | None:
    """Why the camera gives no settings file, when its answer says so; None for a failure."""
    if isinstance(err, IsapiResponseStatusError) and any(
        word in err.sub_status.lower() for word in _KEY_WORDS
    ):
        return SettingsBackup.EXPORT_PASSWORD
    if isinstance(err, IsapiNotSupportedError):  # 403/404/405/501, notSupport, invalidOperation
        return SettingsBackup.NOT_OFFERED
    if isinstance(err, IsapiInvalidResponseError) and not isinstance(err, IsapiTooLargeError):
        return SettingsBackup.NOT_OFFERED  # an empty answer, a web page, a bare ResponseStatus
    return None


def known_absent(data: Any, firmware: str | None) -> SettingsBackup | None:
    """What the entry learned: the camera, on this firmware, offers no settings file."""
    learned = data.get(CONF_SETTINGS_DOWNLOAD) or {}
    if learned.get("offered") is False and learned.get("firmware") == firmware:
        return SettingsBackup(learned.get("reason") or SettingsBackup.NOT_OFFERED)
    return None


def learned(offered: SettingsBackup, firmware: str | None) -> dict[str, Any]:
    """The entry's record of what the camera offers."""
    saved = offered is SettingsBackup.SAVED
    return {"offered": saved, "reason": None if saved else str(offered), "firmware": firmware}


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
        size = await client.download_configuration(write, limit=MAX_BYTES)
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
