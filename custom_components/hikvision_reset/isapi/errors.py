"""Every error the ISAPI client raises derives from :class:`IsapiError`."""

from __future__ import annotations


class IsapiError(Exception):
    """Base class of all ISAPI client errors."""


class IsapiConnectionError(IsapiError):
    """The device could not be reached, or did not answer in time."""


class IsapiResultUnknownError(IsapiConnectionError):
    """A destructive request was sent but the connection dropped before the answer.

    The device may or may not be restoring or rebooting; the caller must not resend blindly.
    """


class IsapiTransferError(IsapiConnectionError):
    """An answer had begun, then stalled or was cut off (a busy camera, a bad link)."""


class IsapiAuthenticationError(IsapiError):
    """The device refused the credentials (HTTP 401)."""

    def __init__(
        self,
        message: str = "authentication failed",
        *,
        attempts_left: int | None = None,
        locked: bool = False,
        unlock_seconds: int | None = None,
    ) -> None:
        """Keep what the device's userCheck body said, when it said anything."""
        super().__init__(message)
        self.attempts_left = attempts_left
        self.locked = locked
        self.unlock_seconds = unlock_seconds


class IsapiAccountLockedError(IsapiAuthenticationError):
    """The account is locked after too many failed logins; nothing works until unlock."""


class IsapiUnsupportedAuthError(IsapiError):
    """The device offers no digest authentication (only Basic): nothing was sent in clear.

    Not a refused login: no password was sent, and no login attempt was spent.
    """

    def __init__(self, schemes: str) -> None:
        """Keep the schemes the device offered (for the message)."""
        super().__init__(f"the device offers only {schemes or 'no'} authentication, not digest")
        self.schemes = schemes


class IsapiNotActivatedError(IsapiError):
    """The device is inactive (factory state) and must be activated first."""


class IsapiResponseStatusError(IsapiError):
    """The device answered with a ResponseStatus whose statusCode is not 1 (OK)."""

    def __init__(self, status_code: int, sub_status: str, message: str = "") -> None:
        """Keep the device's status code and sub-status."""
        super().__init__(message or f"statusCode {status_code} ({sub_status})")
        self.status_code = status_code
        self.sub_status = sub_status


class IsapiNotSupportedError(IsapiResponseStatusError):
    """The device does not support this operation (or the user lacks the privilege)."""


class IsapiRiskyPasswordError(IsapiResponseStatusError):
    """The device refused a new password as too weak (``riskPassword``)."""


class IsapiDeviceBusyError(IsapiResponseStatusError):
    """The device is busy; try again later, by hand."""


class IsapiDeviceError(IsapiResponseStatusError):
    """The device reported an internal error."""


class IsapiInvalidResponseError(IsapiError):
    """The answer is not what a Hikvision device sends (not XML, wrong root, too large...)."""


class IsapiTooLargeError(IsapiInvalidResponseError):
    """The answer is larger than the client accepts."""
