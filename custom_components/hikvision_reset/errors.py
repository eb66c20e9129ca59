"""The integration's own errors, and the one border where they and the client's become sentences.

Invariants: every error a person can meet has a sentence (``exceptions.<key>.message`` in the
translations); the integration's errors do not inherit from the ISAPI client's; :func:`error_key`
is the only mapping from an error to its sentence, for actions, buttons and polling alike.
"""

from __future__ import annotations

from typing import ClassVar

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN
from .isapi import (
    IsapiAccountLockedError,
    IsapiAuthenticationError,
    IsapiConnectionError,
    IsapiDeviceBusyError,
    IsapiError,
    IsapiNotActivatedError,
    IsapiNotSupportedError,
    IsapiResultUnknownError,
    IsapiUnsupportedAuthError,
)


class HikvisionError(Exception):
    """Base of the integration's own errors; ``key`` names the sentence the person reads."""

    key: ClassVar[str] = "device_error"


class AlreadyRestoringError(HikvisionError):
    """A restore or reboot of this camera is still under way: nothing was sent."""

    key = "already_restoring"


class NoBackupError(HikvisionError):
    """There is no saved configuration of this camera (by that name): nothing was sent."""

    key = "no_backup"


class NoBackupOfferedError(NoBackupError):
    """The camera offers no configuration download, so nothing was ever saved."""

    key = "no_backup_not_offered"


class NoBackupBehindRecorderError(NoBackupError):
    """Behind a recorder, not by a route that carries settings (or no serial listed)."""

    key = "no_backup_behind_recorder"


class NothingSentError(HikvisionError):
    """Refused before anything was sent: the person must act in the reauth journey first."""


class CredentialsRefusedError(NothingSentError):
    """The camera refused these credentials before: they are not sent again."""

    key = "invalid_auth"


class CameraPasswordRefusedError(NothingSentError):
    """A camera behind a recorder refused the password Home Assistant has for it."""

    key = "camera_password_refused"


class RecorderRefusedError(NothingSentError):
    """A camera reached in its recorder's login, which is refused or locked: nothing sent."""

    key = "recorder_refused"


class AccountLockedError(NothingSentError):
    """The camera has the account locked: nothing is sent before it unlocks."""

    key = "account_locked"


class CameraInactiveError(NothingSentError):
    """The camera is inactive (reset), or not home yet: the journey comes first."""

    key = "not_activated"


class WrongCameraError(HikvisionError):
    """The address a recorder lists for its camera answers as another device: nothing sent."""

    key = "wrong_camera"


class CameraSwappedError(WrongCameraError):
    """The camera's port on its recorder answers as another camera (swapped): nothing sent."""

    key = "camera_swapped"


class NoRouteError(HikvisionError):
    """A camera behind a recorder that Home Assistant has no way to: nothing was sent."""

    key = "no_route"


class AddressTakenError(HikvisionError):
    """Another device already answers at the address the camera would get (the move form)."""


class BackupFailedError(HikvisionError):
    """The camera offers its settings, but this download failed: nothing destructive was sent."""

    key = "backup_failed"


class BackupDiskError(BackupFailedError):
    """Home Assistant could not write the file."""

    key = "backup_disk"


class BackupTooLargeError(BackupFailedError):
    """The file is larger than Home Assistant keeps."""

    key = "backup_too_large"


# The client's errors, most specific first: the first class the error is an instance of wins.
CLIENT_KEYS: tuple[tuple[type[IsapiError], str], ...] = (
    (IsapiAccountLockedError, "account_locked"),
    (IsapiAuthenticationError, "invalid_auth"),
    (IsapiUnsupportedAuthError, "digest_disabled"),
    (IsapiNotActivatedError, "not_activated"),
    (IsapiNotSupportedError, "not_supported"),
    (IsapiDeviceBusyError, "device_busy"),
    (IsapiResultUnknownError, "result_unknown"),
    (IsapiConnectionError, "cannot_connect"),
)
# What the person can be told of: the sentences in the translations name these.
EXPLAINED: tuple[type[Exception], ...] = (IsapiError, HikvisionError)


def error_key(err: Exception) -> str:
    """The translation key naming the cause of ``err``."""
    if isinstance(err, HikvisionError):
        return err.key
    return next((key for cls, key in CLIENT_KEYS if isinstance(err, cls)), "device_error")


def translated_error(
    err: Exception, name: str, kind: type[HomeAssistantError] = HomeAssistantError
) -> HomeAssistantError:
    """The translated ``kind`` of error for ``err`` on the camera called ``name``."""
    return kind(
        translation_domain=DOMAIN,
        translation_key=error_key(err),
        translation_placeholders={"name": name, "error": str(err)},
    )


async def async_sentence(hass: HomeAssistant, key: str, **placeholders: str) -> str:
    """The sentence ``exceptions.<key>`` outside an exception (an event, an action's result).

    In Home Assistant's language, English as the fallback.
    """
    localize_key = f"component.{DOMAIN}.exceptions.{key}.message"
    for language in dict.fromkeys((hass.config.language, "en")):
        texts = await async_get_translations(hass, language, "exceptions", [DOMAIN])
        if template := texts.get(localize_key):
            return template.format(**placeholders)
    return key
