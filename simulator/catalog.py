"""The models the simulator can play, and the deviceInfo XML it serves for them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from xml.sax.saxutils import escape

NAMESPACES: Final = {
    "hikvision20": "http://www.hikvision.com/ver20/XMLSchema",
    "hikvision10": "http://www.hikvision.com/ver10/XMLSchema",
    "isapi20": "http://www.isapi.org/ver20/XMLSchema",
    "stdcgi20": "http://www.std-cgi.com/ver20/XMLSchema",
    "psia": "urn:psialliance-org",
    "none": "",
}


@dataclass(frozen=True, slots=True)
class Model:
    """One simulated model."""

    model: str
    device_type: str
    firmware: str
    build: str
    namespace: str = "hikvision20"


CATALOG: Final = {
    m.model: m
    for m in (
        Model("DS-2CD2086G2-I", "IPCamera", "V5.7.3", "build 220112"),
        Model("DS-2CD2143G2-I", "IPCamera", "V5.7.13", "build 230531"),
        Model("DS-2CD2343G2-I", "IPCamera", "V5.7.15", "build 231201", "hikvision10"),
        Model("DS-2CD2347G2-LU", "IPCamera", "V5.7.18", "build 240826", "isapi20"),
        Model("DS-2CD2386G2-ISU/SL", "IPCamera", "V5.7.18", "build 240826"),
        Model("DS-2CD2T87G2P-LSU/SL", "IPCamera", "V5.8.10", "build 250310", "none"),
        Model("DS-7608NXI-I2/8P/S", "NVR", "V4.62.210", "build 230424", "isapi20"),
        Model("DS-2CD2A20F-IS", "IPCamera", "V5.3.5", "build 151029", "psia"),
        Model("NVR-216MH-C", "NVR", "V3.4.97", "build 200509", "stdcgi20"),
    )
}


def device_info_xml(
    model: Model,
    *,
    name: str,
    serial: str,
    mac: str,
    namespace: str | None = None,
    firmware: str | None = None,
) -> str:
    """The ``/ISAPI/System/deviceInfo`` document for ``model``."""
    ns = NAMESPACES[namespace or model.namespace]
    xmlns = f' xmlns="{ns}"' if ns else ""
    fields = {
        "deviceName": name,
        "deviceID": serial[-8:],
        "model": model.model,
        "serialNumber": f"{model.model.replace('/', '')}{serial}",
        "macAddress": mac,
        "firmwareVersion": firmware or model.firmware,
        "firmwareReleasedDate": model.build,
        "deviceType": model.device_type,
        "hardwareVersion": "0x0",
    }
    body = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return f'{head}<DeviceInfo version="2.0"{xmlns}>{body}</DeviceInfo>\n'
