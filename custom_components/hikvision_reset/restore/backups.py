"""Configuration backups on disk, and putting one back.

Files: ``<config>/hikvision_reset/backups/<serial>/<UTC time>.bin``, the camera's own
configuration file as ``GET /ISAPI/System/configurationData`` gives it, streamed to disk (never
held in memory whole), at most 32 MiB, the newest five kept, never a half file. A configuration
file carries the camera's users, so putting one back also puts back the admin password of that
time: the password Home Assistant used when it took the backup is kept with the entry
(``backup_passwords``, like the entry's own password) so that Home Assistant logs in afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
import re
import shutil
from typing import IO, Any, Final

from homeassistant.core import HomeAssistant

from .. import const
from ..const import DOMAIN
from ..errors import NoBackupError
from ..isapi import IsapiClient, IsapiResultUnknownError
from ..isapi.client import MAX_CONFIGURATION_BYTES

KEEP: Final = 5
MAX_BYTES: Final = MAX_CONFIGURATION_BYTES  # the client's cap (a file is tens to hundreds of KB)
SUFFIX: Final = ".bin"
CONF_BACKUP_PASSWORDS: Final = "backup_passwords"
CONF_BACKUP_USERS: Final = "backup_users"  # the account of each backup's password
_STAMP: Final = "%Y%m%dT%H%M%SZ"


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

    handles: list[IO[bytes]] = []

    async def write(chunk: bytes) -> None:
        # The disk is touched only once the camera sends a file: a camera that offers none
        # never meets Home Assistant's disk.
        if not handles:
            handles.append(await hass.async_add_executor_job(open_partial))
        await hass.async_add_executor_job(handles[0].write, chunk)

    size: int | None = None
    try:
        size = await client.download_configuration(write, limit=MAX_BYTES)
    finally:
        if size is None:  # failed or cancelled: no half file is left behind
            await hass.async_add_executor_job(_discard, handles, partial)
    await hass.async_add_executor_job(_keep, handles, partial, final, directory)
    return Backup(name, final, size, created)


def _discard(handles: list[IO[bytes]], partial: Path) -> None:
    for handle in handles:  # (none: the camera sent nothing, the disk was never touched)
        handle.close()
        partial.unlink(missing_ok=True)


def _keep(handles: list[IO[bytes]], partial: Path, final: Path, directory: Path) -> None:
    for handle in handles:
        handle.close()
    partial.replace(final)
    for old in _list(directory)[KEEP:]:
        old.path.unlink(missing_ok=True)


async def async_choose(hass: HomeAssistant, serial: str, name: str | None) -> Backup:
    """The backup called ``name`` (the newest when None); :class:`NoBackupError` when none."""
    chosen = next((b for b in await async_list(hass, serial) if name in (None, b.name)), None)
    if chosen is None:
        raise NoBackupError(name or "")
    return chosen


async def async_restore_configuration(
    hass: HomeAssistant,
    client: IsapiClient,
    backup: Backup,
    passwords: Mapping[str, Any],
) -> tuple[str, str | None]:
    """Upload ``backup`` (the camera reboots with it): the stage, and the password it brings.

    The stage is ``accepted``, or ``unconfirmed`` when the connection dropped before the camera
    answered (it was sent; never resent). The password is the admin password of the file's
    time, which Home Assistant logs in with afterwards (None: not known). Raises
    :class:`NoBackupError` when the file cannot be read (nothing is sent), or the client's error.
    """
    try:
        data = await hass.async_add_executor_job(backup.path.read_bytes)
    except OSError as err:  # removed or unreadable since it was listed
        raise NoBackupError(backup.name) from err
    stage = const.STAGE_ACCEPTED
    try:
        await client.upload_configuration(data)
    except IsapiResultUnknownError:
        stage = const.STAGE_UNCONFIRMED
    password = passwords.get(backup.name)
    return stage, password if isinstance(password, str) else None


async def async_remove_all(hass: HomeAssistant, serial: str) -> None:
    """The camera was deleted from Home Assistant: its backups go too."""
    await hass.async_add_executor_job(
        lambda: shutil.rmtree(backup_dir(hass, serial), ignore_errors=True)
    )
