"""The settings before a restore: saved when the camera offers them, and never a lock.

A backup is an extra, never a precondition of the restore: a camera that does not offer its
settings for download (404/405/501, ``notSupport``/``invalidOperation``, an export password we
cannot give, no file at all) is restored without one, and told so; only a failure of a download
the camera does offer (stalled or cut off, a 5xx, over the cap, Home Assistant's disk) stops the
restore. What a camera offers is learned from its answer and kept with the entry, per firmware
version, so a camera that offers nothing costs no request per press. A recorder's entry keeps
that record, and its backups' passwords, per camera (by serial); a camera reached only through
the recorder's forwarding has no place: its settings are not saved, and it is told so.

Newer firmware may export only with an export password (``?secretkey=``, encrypted with a key
the two public sources disagree on): not implemented, so such a camera does not offer them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from ..errors import (
    BackupDiskError,
    BackupFailedError,
    BackupTooLargeError,
    NoBackupBehindRecorderError,
    NoBackupError,
    NoBackupOfferedError,
    async_sentence,
)
from ..isapi import (
    DeviceInfo,
    IsapiAuthenticationError,
    IsapiClient,
    IsapiConnectionError,
    IsapiError,
    IsapiInvalidResponseError,
    IsapiNotActivatedError,
    IsapiNotSupportedError,
    IsapiResponseStatusError,
    IsapiTooLargeError,
    IsapiTransferError,
    IsapiUnsupportedAuthError,
)
from .backups import (
    CONF_BACKUP_PASSWORDS,
    CONF_BACKUP_USERS,
    Backup,
    async_choose,
    async_list,
    async_take,
)

# What the camera offers, as learned: {"offered": bool, "reason": str | None, "firmware": str}.
CONF_SETTINGS_DOWNLOAD: Final = "settings_download"
# A recorder's entry: serial -> that camera's CONF_SETTINGS_DOWNLOAD and CONF_BACKUP_PASSWORDS.
CONF_CAMERA_SETTINGS: Final = "camera_settings"
CONF_ROUTE_CARRIED: Final = "route_carried"  # a file came through an unproven route
# A refusal naming these asks for a parameter a plain download lacks: the export password.
_KEY_WORDS: Final = ("secret", "key", "password", "badparameter", "missingparameter")


class SettingsBackup(StrEnum):
    """What became of the camera's settings before a restore."""

    SAVED = "saved"
    NOT_OFFERED = "not_offered"  # the camera gives no configuration file
    EXPORT_PASSWORD = "export_password"  # only with an export password (not supported)
    SKIPPED = "skipped"  # the action was run with backup: false
    BEHIND_RECORDER = "behind_recorder"  # not by a route that carries a file, or no serial
    ROUTE_FAILED = "route_failed"  # a route not known to carry a file did not (steps aside)


@dataclass(frozen=True, slots=True)
class SettingsPlace:
    """Where one camera's backups and its record are kept.

    Its entry's own camera, or one of a recorder's (``recorder``: that entry's unique id; its
    record is the entry's per-camera one, its folder apart from any entry of the camera's own).
    """

    serial: str
    recorder: str | None = None
    carried: bool = True  # False: its route cannot carry a settings file (told so, never a lock)
    # True: its route (the recorder's Virtual Host) is not known to carry a file until one did:
    # till then a failed download there steps aside instead of stopping the restore.
    unproven: bool = False

    @property
    def behind(self) -> bool:
        """Whether the camera is one of a recorder's."""
        return self.recorder is not None

    @property
    def folder(self) -> str:
        """The name of its backups' folder."""
        return self.serial if self.recorder is None else f"{self.recorder}_{self.serial}"

    def record(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """The camera's part of the entry's data."""
        if not self.behind:
            return data
        found = data.get(CONF_CAMERA_SETTINGS, {}).get(self.serial)
        return found if isinstance(found, Mapping) else {}

    def with_record(self, data: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
        """The entry's data with this camera's record changed."""
        if not self.behind:
            return {**data, **changes}
        cameras = dict(data.get(CONF_CAMERA_SETTINGS, {}))
        cameras[self.serial] = {**self.record(data), **changes}
        return {**data, CONF_CAMERA_SETTINGS: cameras}

    def backup_passwords(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """Backup name -> the admin password of its time."""
        passwords = self.record(data).get(CONF_BACKUP_PASSWORDS)
        return passwords if isinstance(passwords, Mapping) else {}

    def proven(self, data: Mapping[str, Any]) -> bool:
        """Whether a failed download here is this attempt's (so it stops the restore)."""
        return not self.unproven or self.record(data).get(CONF_ROUTE_CARRIED) is True

    def offers_none(self, data: Mapping[str, Any]) -> bool:
        """Whether the camera was found to offer no settings file."""
        return (self.record(data).get(CONF_SETTINGS_DOWNLOAD) or {}).get("offered") is False


def not_offered(err: IsapiError) -> SettingsBackup | None:
    """Why the camera gives no settings file, when its answer says so; None for a failure.

    A refusal of the request itself (statusCode 4 to 6: an invalid operation, a bad URL or
    body) is the camera's answer on every try; busy (2), a device error (3) and 5xx may pass.
    """
    sub = err.sub_status.lower() if isinstance(err, IsapiResponseStatusError) else ""
    if sub != "riskpassword" and any(word in sub for word in _KEY_WORDS):
        return SettingsBackup.EXPORT_PASSWORD
    if isinstance(err, IsapiNotSupportedError):  # 403/404/405/501, notSupport, invalidOperation
        return SettingsBackup.NOT_OFFERED
    if isinstance(err, IsapiResponseStatusError) and err.status_code in (4, 5, 6):
        return SettingsBackup.NOT_OFFERED
    if isinstance(err, IsapiInvalidResponseError) and not isinstance(err, IsapiTooLargeError):
        return SettingsBackup.NOT_OFFERED  # an empty answer, a web page, a bare ResponseStatus
    return None


def _failed(err: IsapiError) -> Exception:
    """A failed download of settings the camera offers: why nothing is sent."""
    if isinstance(err, IsapiTooLargeError):
        return BackupTooLargeError(str(err))
    return BackupFailedError(str(err))  # stalled or cut off (it had begun), busy, 5xx


def known_absent(data: Mapping[str, Any], firmware: str | None) -> SettingsBackup | None:
    """What the entry learned: the camera, on this firmware, offers no settings file."""
    learned = data.get(CONF_SETTINGS_DOWNLOAD) or {}
    if learned.get("offered") is False and learned.get("firmware") == firmware:
        reason = learned.get("reason")
        if isinstance(reason, str) and reason in set(SettingsBackup):
            return SettingsBackup(reason)
        return SettingsBackup.NOT_OFFERED  # (none, or a reason of another version)
    return None


def learned(offered: SettingsBackup, firmware: str | None) -> dict[str, Any]:
    """The entry's record of what the camera offers."""
    saved = offered is SettingsBackup.SAVED
    return {"offered": saved, "reason": None if saved else str(offered), "firmware": firmware}


@dataclass(frozen=True, slots=True)
class SavedSettings:
    """What became of the settings before one restore."""

    outcome: SettingsBackup
    backup: Backup | None = None
    sentence: str | None = None  # why there is none, as the person reads it


def firmware_of(info: DeviceInfo) -> str | None:
    """The firmware a camera reports (what it offers is learned per firmware)."""
    return " ".join(v for v in (info.firmware_version, info.firmware_build) if v) or None


async def async_save_before_restore(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    place: SettingsPlace,
    client: IsapiClient,
    *,
    name: str,
    password: str,
    firmware: str | None,
) -> SavedSettings:
    """Save the settings before a restore, when the camera offers them.

    A camera that does not offer them is told so and restored anyway, and what it offers is
    kept with the entry; a failed download of settings it does offer raises (nothing is sent).
    A refused login, an inactive or unreachable camera raise as what they are.
    """
    outcome = known_absent(place.record(entry.data), firmware)
    taken: Backup | None = None
    if outcome is None:
        proven = place.proven(entry.data)
        try:
            taken = await async_take(hass, client, place.folder)
        except IsapiTransferError as err:  # it had begun: offered (the route unproven: aside)
            if proven:
                raise BackupFailedError(str(err)) from err
            outcome = SettingsBackup.ROUTE_FAILED
        except (
            IsapiAuthenticationError,
            IsapiNotActivatedError,
            IsapiUnsupportedAuthError,
            IsapiConnectionError,
        ):
            raise
        except OSError as err:
            raise BackupDiskError(str(err)) from err
        except IsapiError as err:
            outcome = not_offered(err)
            if outcome is None and proven:
                raise _failed(err) from err
            outcome = outcome or SettingsBackup.ROUTE_FAILED  # the route, not the camera
        else:
            outcome = SettingsBackup.SAVED
        await _async_remember(
            hass,
            entry,
            place,
            outcome,
            firmware=firmware,
            taken=taken,
            password=password,
            user=client.username,
        )
    return await async_settings_told(hass, name, outcome, taken)


async def async_settings_told(
    hass: HomeAssistant, name: str, outcome: SettingsBackup, taken: Backup | None = None
) -> SavedSettings:
    """``outcome`` with the sentence the person reads when nothing was saved."""
    if outcome is SettingsBackup.SAVED:
        return SavedSettings(outcome, taken)
    sentence = await async_sentence(hass, f"backup_{outcome}", name=name)
    return SavedSettings(outcome, taken, sentence)


async def _async_remember(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    place: SettingsPlace,
    outcome: SettingsBackup,
    *,
    firmware: str | None,
    taken: Backup | None,
    password: str,
    user: str,
) -> None:
    """Keep with the entry what the camera offers, and the login of a new backup's time."""
    changes: dict[str, Any] = {CONF_SETTINGS_DOWNLOAD: learned(outcome, firmware)}
    if taken is not None and place.unproven:
        changes[CONF_ROUTE_CARRIED] = True
    if taken is not None:
        kept = {b.name for b in await async_list(hass, place.folder)}
        for key, value in ((CONF_BACKUP_PASSWORDS, password), (CONF_BACKUP_USERS, user)):
            known = place.record(entry.data).get(key)
            values = {k: v for k, v in (known or {}).items() if k in kept}
            changes[key] = {**values, taken.name: value}
    data = place.with_record(entry.data, changes)
    if data != entry.data:
        hass.config_entries.async_update_entry(entry, data=data)


async def async_choose_backup(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    place: SettingsPlace | None,
    camera: str,
    name: str | None,
) -> tuple[Backup, Mapping[str, Any]]:
    """The backup to put back on ``camera`` (the newest, or ``name``) and its backups' passwords.

    Raises a :class:`NoBackupError` that says why there is none: its route cannot carry them,
    the camera never offered them, or there is none (by that name).
    """
    if place is None or not place.carried:
        raise NoBackupBehindRecorderError(camera)
    try:
        chosen = await async_choose(hass, place.folder, name)
    except NoBackupError as err:
        if place.offers_none(entry.data):  # nothing can ever have been saved
            raise NoBackupOfferedError(str(err)) from err
        raise
    return chosen, place.backup_passwords(entry.data)
