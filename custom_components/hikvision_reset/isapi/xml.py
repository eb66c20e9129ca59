"""Namespace-agnostic parsing of the few ISAPI documents this client reads.

Firmware puts the same elements in different namespaces (hikvision.com ver10/ver20, isapi.org,
std-cgi.com, psialliance, or none), so every lookup here compares local names only.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from .errors import IsapiInvalidResponseError
from .models import DeviceInfo, ResponseStatus, UserCheck


def local_name(tag: str) -> str:
    """Strip the ``{namespace}`` part of an element tag."""
    return tag.rpartition("}")[2]


def parse_document(body: bytes | str, *roots: str) -> ET.Element:
    """Parse ``body`` and check that its root element is one of ``roots``."""
    try:
        root = ET.fromstring(body.strip())
    except ET.ParseError as err:
        raise IsapiInvalidResponseError(f"not XML: {err}") from err
    if local_name(root.tag) not in roots:
        raise IsapiInvalidResponseError(
            f"expected {' or '.join(roots)}, got {local_name(root.tag)}"
        )
    return root


def child_text(element: ET.Element, name: str) -> str | None:
    """The stripped text of the first direct child called ``name``, or None when empty."""
    for child in element:
        if local_name(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def child_int(element: ET.Element, name: str) -> int | None:
    """A child's text as an int, or None when absent or not a number."""
    text = child_text(element, name)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def parse_device_info(body: bytes | str) -> DeviceInfo:
    """Parse ``/ISAPI/System/deviceInfo``."""
    root = parse_document(body, "DeviceInfo")
    model = child_text(root, "model")
    serial = child_text(root, "serialNumber")
    if model is None or serial is None:
        raise IsapiInvalidResponseError("DeviceInfo without model or serialNumber")
    return DeviceInfo(
        name=child_text(root, "deviceName") or model,
        model=model,
        serial_number=serial,
        mac_address=_mac(child_text(root, "macAddress")),
        firmware_version=child_text(root, "firmwareVersion"),
        firmware_build=child_text(root, "firmwareReleasedDate"),
        device_type=child_text(root, "deviceType"),
        hardware_version=child_text(root, "hardwareVersion"),
    )


def _mac(value: str | None) -> str | None:
    """Normalise a MAC address to lower-case colon form."""
    if value is None:
        return None
    digits = "".join(ch for ch in value.lower() if ch in "0123456789abcdef")
    if len(digits) != 12:
        return value.lower()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def parse_response_status(body: bytes | str) -> ResponseStatus:
    """Parse a ``ResponseStatus`` document."""
    root = parse_document(body, "ResponseStatus")
    code = child_int(root, "statusCode")
    if code is None:
        raise IsapiInvalidResponseError("ResponseStatus without statusCode")
    return ResponseStatus(
        status_code=code,
        status_string=child_text(root, "statusString") or "",
        sub_status_code=child_text(root, "subStatusCode") or "",
        request_url=child_text(root, "requestURL"),
        description=child_text(root, "description") or child_text(root, "errorMsg"),
    )


def parse_user_check(body: bytes | str) -> UserCheck | None:
    """Parse a ``userCheck`` body; None when the body is something else (HTML on old firmware)."""
    try:
        root = parse_document(body, "userCheck")
    except IsapiInvalidResponseError:
        return None
    return UserCheck(
        status_value=child_int(root, "statusValue"),
        locked=(child_text(root, "lockStatus") or "").lower() == "lock",
        unlock_seconds=child_int(root, "unlockTime"),
        attempts_left=child_int(root, "retryLoginTime"),
    )


def parse_activate_status(body: bytes | str) -> bool:
    """Parse ``/SDK/activateStatus``: True when the device is activated."""
    root = parse_document(body, "ActivateStatus")
    return (child_text(root, "Activated") or "").lower() == "true"


def parse_challenge(body: bytes | str) -> str:
    """Parse the ``Challenge`` answer of ``POST /ISAPI/Security/challenge``."""
    root = parse_document(body, "Challenge")
    key = child_text(root, "key")
    if key is None:
        raise IsapiInvalidResponseError("Challenge without key")
    return key
