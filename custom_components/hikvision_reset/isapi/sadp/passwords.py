"""SADP's password encodings: the activation's key exchange and sealing, the update's password.

No I/O. Which variant a camera reads is single source for two of them (``KeyMode``,
``UpdateLayout``): see the package's docstring; the client sends one and falls back once.
"""

from __future__ import annotations

import base64
from enum import StrEnum
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ..errors import IsapiInvalidResponseError


class KeyMode(StrEnum):
    """How the AES key of an SADP activation is made from the device's random string."""

    ASCII = "ascii"  # the ASCII of its first 16 characters (the public SADP implementation)
    HEX = "hex"  # its first 32 characters hex-decoded (as ISAPI's activation does)


class UpdateLayout(StrEnum):
    """What follows K in the 64-byte buffer of a salted ``update`` password."""

    UUID_TAIL = "uuid_tail"  # ";" + the message's Uuid, then zeros (the source's latest version)
    ZERO_TAIL = "zero_tail"  # zeros only (the source's first version, the same day)


def new_exchange_key() -> rsa.RSAPrivateKey:
    """The client's RSA-1024 key pair for one activation (CPU-bound: off the event loop)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


def encode_exchange_key(key: rsa.RSAPrivateKey) -> str:
    """``<Code>`` of ``exchangecode``: base64 of the PKCS#1 ``RSAPublicKey`` DER."""
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )
    return base64.b64encode(der).decode()


def open_exchange_code(key: rsa.RSAPrivateKey, code: str) -> str:
    """The device's random string inside the ``exchangecode`` reply's ``<Code>``."""
    try:
        plain = key.decrypt(base64.b64decode(code, validate=True), padding.PKCS1v15())
        text = plain.decode("ascii")
    except ValueError as err:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise IsapiInvalidResponseError("bad exchangecode reply") from err
    if len(text) < 16:
        raise IsapiInvalidResponseError("exchangecode random string too short")
    return text


def _aes_key(random: str, mode: KeyMode) -> bytes:
    if mode is KeyMode.HEX:
        try:
            key = bytes.fromhex(random[:32])
        except ValueError as err:
            raise IsapiInvalidResponseError("random string is not hex") from err
        if len(key) != 16:  # fewer than 32 hex digits: no AES-128 key this way
            raise IsapiInvalidResponseError("random string too short for a hex key")
        return key
    return random[:16].encode()


def _ecb(key: bytes, plain: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(plain) + encryptor.finalize()


def seal_password(random: str, password: str, mode: KeyMode = KeyMode.ASCII) -> str:
    """``<Password>`` of ``activate``: base64(AES-128-ECB(zero-pad(random[:16] + password)))."""
    plain = random[:16].encode() + password.encode()
    plain += b"\0" * (-len(plain) % 16)
    return base64.b64encode(_ecb(_aes_key(random, mode), plain)).decode()


def update_password(
    password: str,
    salt: str | None,
    username: str,
    uuid: str = "",
    layout: UpdateLayout = UpdateLayout.UUID_TAIL,
) -> tuple[str, bool]:
    """``<Password>`` of ``update``, and whether it is the salted form.

    Without a salt: base64 of the raw MD5 of the password (confirmed). With one (newer firmware,
    single source): K = MD5 of the lower-case hex SHA-256 of username + salt + password; the
    value is base64(AES-128-ECB with key K over 64 bytes): K, then ``";" + uuid`` (the message's
    own Uuid, ``UUID_TAIL``, the source's latest version) or nothing (``ZERO_TAIL``), then zeros.
    """
    if not salt:
        return base64.b64encode(hashlib.md5(password.encode()).digest()).decode(), False
    inner = hashlib.sha256(f"{username}{salt}{password}".encode()).hexdigest()
    key = hashlib.md5(inner.encode()).digest()
    tail = f";{uuid}".encode() if layout is UpdateLayout.UUID_TAIL else b""
    buffer = (key + tail)[:64]
    buffer += b"\0" * (64 - len(buffer))
    return base64.b64encode(_ecb(key, buffer)).decode(), True
