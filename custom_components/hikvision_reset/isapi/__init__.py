"""An async client for Hikvision ISAPI, with no Home Assistant dependency.

It only imports aiohttp and the standard library (``activation`` also uses ``cryptography``),
so it can be published on its own.
"""

from .client import IsapiClient
from .errors import (
    IsapiAccountLockedError,
    IsapiAuthenticationError,
    IsapiConnectionError,
    IsapiDeviceBusyError,
    IsapiDeviceError,
    IsapiError,
    IsapiInvalidResponseError,
    IsapiNotActivatedError,
    IsapiNotSupportedError,
    IsapiResponseStatusError,
    IsapiResultUnknownError,
    IsapiRiskyPasswordError,
    IsapiTooLargeError,
    IsapiTransferError,
    IsapiUnsupportedAuthError,
)
from .models import DeviceInfo, ResponseStatus, RestoreMode, UserCheck

__all__ = [
    "DeviceInfo",
    "IsapiAccountLockedError",
    "IsapiAuthenticationError",
    "IsapiClient",
    "IsapiConnectionError",
    "IsapiDeviceBusyError",
    "IsapiDeviceError",
    "IsapiError",
    "IsapiInvalidResponseError",
    "IsapiNotActivatedError",
    "IsapiNotSupportedError",
    "IsapiResponseStatusError",
    "IsapiResultUnknownError",
    "IsapiRiskyPasswordError",
    "IsapiTooLargeError",
    "IsapiTransferError",
    "IsapiUnsupportedAuthError",
    "ResponseStatus",
    "RestoreMode",
    "UserCheck",
]
