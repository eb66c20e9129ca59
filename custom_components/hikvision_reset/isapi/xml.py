"""Namespace-agnostic, hostile-input-safe parsing of the few ISAPI documents this client reads.

Firmware puts the same elements in different namespaces (hikvision.com ver10/ver20, isapi.org,
std-cgi.com, psialliance, or none), so every lookup here compares local names only.

ISAPI never uses DTDs, so a document with a ``<!DOCTYPE`` or an entity declaration is refused
before any entity can expand (a "billion laughs" answer would otherwise freeze Home Assistant and
eat gigabytes). The parse itself is bounded: at most :data:`MAX_ELEMENTS` elements,
:data:`MAX_DEPTH` levels and :data:`MAX_TEXT` characters in any one element, on a body the client
already caps in bytes; every value taken from a document is capped again by its field.
"""

from __future__ import annotations

from typing import Final, NoReturn
from xml.etree import ElementTree as ET
from xml.parsers import expat

from .errors import IsapiInvalidResponseError
from .models import DeviceInfo, ResponseStatus, UserCheck

MAX_ELEMENTS: Final = 512  # deviceInfo has about 20, a ProbeMatch about 35
MAX_DEPTH: Final = 32
MAX_TEXT: Final = 16 * 1024
# Names, models, versions, serial numbers: Hikvision's own limits are 32-64 characters.
FIELD_LIMIT: Final = 64
_FORBIDDEN: Final = (b"<!DOCTYPE", b"<!ENTITY")


def local_name(tag: str) -> str:
    """Strip the ``{namespace}`` part of an element tag."""
    return tag.rpartition("}")[2]


class _Builder:
    """Feeds expat's events into an ElementTree, refusing DTDs and oversized structures."""

    def __init__(self, max_elements: int = MAX_ELEMENTS) -> None:
        self.tree = ET.TreeBuilder()
        self.max_elements = max_elements
        self.elements = 0
        self.depth = 0
        self.text = 0

    @staticmethod
    def refuse(*_args: object) -> NoReturn:
        raise IsapiInvalidResponseError("the answer declares a DTD or entities (ISAPI never does)")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        self.depth += 1
        self.text = 0
        if self.elements > self.max_elements or self.depth > MAX_DEPTH:
            raise IsapiInvalidResponseError("the answer has too many elements")
        self.tree.start(tag, attrs)

    def end(self, tag: str) -> None:
        self.depth -= 1
        self.text = 0
        self.tree.end(tag)

    def data(self, text: str) -> None:
        self.text += len(text)
        if self.text > MAX_TEXT:
            raise IsapiInvalidResponseError("the answer has an oversized text field")
        self.tree.data(text)


def _parse(body: bytes, max_elements: int = MAX_ELEMENTS) -> ET.Element:
    """Parse ``body`` with expat, building an ElementTree; no DTD, no entity, bounded."""
    head = body[:4096].upper()
    if any(marker in head for marker in _FORBIDDEN):
        _Builder.refuse()
    builder = _Builder(max_elements)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = builder.refuse
    parser.EntityDeclHandler = builder.refuse
    parser.UnparsedEntityDeclHandler = builder.refuse
    parser.ExternalEntityRefHandler = builder.refuse
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(body, True)
        root = builder.tree.close()
    except (expat.ExpatError, LookupError, ValueError) as err:
        # LookupError: an unknown encoding in the XML declaration; ValueError: undecodable text.
        raise IsapiInvalidResponseError(f"not XML: {err}") from err
    except AssertionError as err:  # TreeBuilder.close() on an empty document
        raise IsapiInvalidResponseError("not XML: empty") from err
    # expat names namespaced elements "uri}local"; ElementTree's form is "{uri}local".
    for element in root.iter():
        if "}" in element.tag:
            element.tag = "{" + element.tag
    return root


def parse_document(body: bytes | str, *roots: str, max_elements: int = MAX_ELEMENTS) -> ET.Element:
    """Parse ``body`` and check that its root element is one of ``roots`` (any when none).

    ``max_elements``: a larger bound for documents that list many things (a recorder's channels).
    """
    raw = body.encode() if isinstance(body, str) else body
    root = _parse(raw.strip(), max_elements)
    if roots and local_name(root.tag) not in roots:
        raise IsapiInvalidResponseError(
            f"expected {' or '.join(roots)}, got {local_name(root.tag)}"
        )
    return root


def child_text(element: ET.Element, name: str, limit: int | None = FIELD_LIMIT) -> str | None:
    """The stripped text of the first direct child called ``name``, or None when empty.

    Capped at ``limit`` characters (None: no cap beyond the parser's own).
    """
    for child in element:
        if local_name(child.tag) == name:
            text = (child.text or "").strip()
            if limit is not None and len(text) > limit:
                text = text[: limit - 1].rstrip() + "…"
            return text or None
    return None


def child_int(element: ET.Element, name: str) -> int | None:
    """A child's text as an int, or None when absent or not a number."""
    text = child_text(element, name)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _identity(root: ET.Element, name: str) -> str | None:
    """An identifying field (model, serial number): refused, not cut, when too long."""
    text = child_text(root, name, limit=None)
    if text is not None and len(text) > FIELD_LIMIT:
        raise IsapiInvalidResponseError(f"DeviceInfo {name} of {len(text)} characters")
    return text


def parse_device_info(body: bytes | str) -> DeviceInfo:
    """Parse ``/ISAPI/System/deviceInfo``."""
    root = parse_document(body, "DeviceInfo")
    model = _identity(root, "model")
    serial = _identity(root, "serialNumber")
    if model is None or serial is None:
        raise IsapiInvalidResponseError("DeviceInfo without model or serialNumber")
    return DeviceInfo(
        name=child_text(root, "deviceName") or model,
        model=model,
        serial_number=serial,
        mac_address=normalise_mac(child_text(root, "macAddress")),
        firmware_version=child_text(root, "firmwareVersion"),
        firmware_build=child_text(root, "firmwareReleasedDate"),
        device_type=child_text(root, "deviceType"),
        hardware_version=child_text(root, "hardwareVersion"),
    )


def normalise_mac(value: str | None) -> str | None:
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
        request_url=child_text(root, "requestURL", limit=256),
        description=child_text(root, "description", limit=256)
        or child_text(root, "errorMsg", limit=256),
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
    """Parse ``/SDK/activateStatus``: True when the device is activated.

    Read by its ``Activated`` element whatever the root is called (firmware differs).
    """
    root = parse_document(body)
    for element in root.iter():
        if local_name(element.tag) == "Activated":
            return (element.text or "").strip().lower() == "true"
    raise IsapiInvalidResponseError("activateStatus without Activated")


def parse_challenge(body: bytes | str) -> str:
    """Parse the ``Challenge`` answer of ``POST /ISAPI/Security/challenge``."""
    root = parse_document(body, "Challenge")
    key = child_text(root, "key", limit=2048)
    if key is None:
        raise IsapiInvalidResponseError("Challenge without key")
    return key
