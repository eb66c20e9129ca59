"""SADP, Hikvision's discovery protocol (XML over UDP 37020), with no Home Assistant import.

What this follows (sources in the project's SADP notes; *confirmed* = two or more public
sources, *single source* = one):

- **Discovery** (confirmed): a ``<Probe>`` with ``<Types>inquiry</Types>`` to the multicast group
  239.255.255.250:37020 (and, also used by public clients, the broadcast address); devices answer
  ``<ProbeMatch>`` to the sender's address and port. Some sources claim replies are multicast or
  broadcast to 37020 instead, so the client also listens on 37020, joined to the group.
- **ProbeMatch** (confirmed): serial, MAC with dashes, IPv4 address/mask/gateway, ports, firmware,
  ``Activated``; newer firmware adds ``PasswordResetAbility``, ``SupportSecurityQuestion``,
  ``Salt``, ``DeviceLock``. Booleans are read leniently (firmware sends ``flase``).
- **Activation** (shape confirmed; the AES key single source): ``exchangecode`` sends an RSA-1024
  public key (base64 PKCS#1 DER); the reply's ``Code`` is a random string sealed to it (PKCS#1
  v1.5); ``activate`` sends base64(AES-128-ECB(zero-padded random[:16] + password)). The AES key
  is the ASCII of random[:16] in the one public SADP implementation (``KeyMode.ASCII``, sent
  first); the ISAPI analogue hex-decodes a 32-hex-digit random (``KeyMode.HEX``, the one
  fallback, after a refusal).
- **Network settings** (``update``, confirmed), selected by MAC; the password is base64(MD5) —
  confirmed on 2018-2022 firmware — or, when the device announces a ``Salt``, the salted form
  ``<Password bSalt="true">`` (single source): AES with K over K + ``";" + Uuid`` + zeros (the
  source's latest version, sent first), or K + zeros (its first version, the one fallback).
  ``Result`` is ``success`` or ``failed`` (confirmed); ``denied``/``failure`` are single source
  and read as failures.
- **Destinations**: the inquiry goes to the group and the broadcast address (confirmed); a
  command to the group (the source's latest version), and to the broadcast address only when the
  group does not answer.

Nothing here retries blindly: a command is sent once per destination and variant, and a
password-bearing command at most twice in all (a device locks after six wrong ones).
Destinations and the listening address are settings, so that tests can keep to loopback.
"""

from .client import (
    SadpClient,
    SadpCommandFailedError,
    SadpError,
    SadpOutcome,
    SadpTimeoutError,
)
from .messages import (
    NetworkSettings,
    SadpDevice,
    SadpReply,
    parse_reply,
    probe_message,
    update_message,
)
from .passwords import (
    KeyMode,
    UpdateLayout,
    encode_exchange_key,
    new_exchange_key,
    open_exchange_code,
    seal_password,
    update_password,
)
from .transport import BROADCAST, DEFAULT_TARGETS, MULTICAST_GROUP, SADP_PORT

__all__ = [
    "BROADCAST",
    "DEFAULT_TARGETS",
    "MULTICAST_GROUP",
    "SADP_PORT",
    "KeyMode",
    "NetworkSettings",
    "SadpClient",
    "SadpCommandFailedError",
    "SadpDevice",
    "SadpError",
    "SadpOutcome",
    "SadpReply",
    "SadpTimeoutError",
    "UpdateLayout",
    "encode_exchange_key",
    "new_exchange_key",
    "open_exchange_code",
    "parse_reply",
    "probe_message",
    "seal_password",
    "update_message",
    "update_password",
]
