"""Activation of a factory-fresh (inactive) device: the challenge/activate exchange.

The exchange, as Hikvision's own tools do it:

1. the client makes an RSA-1024 key pair and sends ``POST /ISAPI/Security/challenge`` with
   ``<PublicKey><key>`` = base64 of the lower-case hex of the modulus;
2. the device answers ``<Challenge><key>`` = base64 of the hex of a random AES-128 key (as 32 hex
   characters) encrypted with that public key;
3. the client sends ``PUT /ISAPI/System/activate`` with ``<ActivateInfo><password>`` = base64 of the
   hex of AES-128-ECB(first 16 characters of the key text + the password, zero padded).

The primitives come from ``cryptography`` (which Home Assistant ships); nothing is hand-rolled.
Only the client's side is here: the camera's side lives in the simulator.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import string
from typing import Final

from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .errors import IsapiInvalidResponseError

RSA_BITS: Final = 1024
RSA_EXPONENT: Final = 65537
PASSWORD_MIN: Final = 8
PASSWORD_MAX: Final = 16
_CLASSES: Final = (string.digits, string.ascii_lowercase, string.ascii_uppercase)
_ALPHANUMERIC: Final = "".join(_CLASSES)
_RUNS: Final = re.compile(r"(.)\1{3}")


def password_problem(password: str, username: str = "admin") -> str | None:
    """Why a camera would refuse ``password`` as the new password of ``username``; None if fine.

    Hikvision's rule (camera manuals and web UI): 8-16 printable ASCII characters without spaces,
    at least two kinds of digits / lower case / upper case / symbols, and not containing the user
    name or its reverse. Newer firmware also refuses "admin" and "123" anywhere, four or more
    consecutive increasing or decreasing digits, and four or more identical characters in a row
    (a Hikvision recorder manual); the stricter rule is applied to every camera.

    The answer is one of ``length``, ``characters``, ``kinds``, ``user_name``, ``pattern``.
    """
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return "length"
    if any(not 0x21 <= ord(ch) <= 0x7E for ch in password):
        return "characters"
    kinds = sum(any(ch in chars for ch in password) for chars in _CLASSES)
    kinds += any(ch not in _ALPHANUMERIC for ch in password)
    if kinds < 2:
        return "kinds"
    lowered, user = password.lower(), username.lower()
    if user and (user in lowered or user[::-1] in lowered):
        return "user_name"
    if "admin" in lowered or "123" in lowered or _RUNS.search(password) or _sequence(password):
        return "pattern"
    return None


def _sequence(password: str, length: int = 4) -> bool:
    """Four or more consecutive increasing or decreasing digits ("4567", "9876")."""
    for start in range(len(password) - length + 1):
        run = password[start : start + length]
        if not run.isdigit():
            continue
        steps = {int(b) - int(a) for a, b in itertools.pairwise(run)}
        if steps in ({1}, {-1}):
            return True
    return False


def new_key_pair() -> rsa.RSAPrivateKey:
    """A fresh RSA key pair for one activation (CPU-bound: run it off the event loop)."""
    return rsa.generate_private_key(public_exponent=RSA_EXPONENT, key_size=RSA_BITS)


def encode_public_key(key: rsa.RSAPrivateKey) -> str:
    """The ``<PublicKey><key>`` text for ``key``."""
    modulus = key.public_key().public_numbers().n
    return base64.b64encode(f"{modulus:0256x}".encode()).decode()


def _unpadded(private_key: rsa.RSAPrivateKey, sealed: bytes) -> bytes:
    """Raw RSA decryption, for firmware that seals the key without PKCS#1 padding.

    Hikvision's own tools decrypt without padding and keep the last 32 characters, which works
    for both kinds of firmware; the library's PKCS#1 v1.5 path is tried first.
    """
    numbers = private_key.private_numbers()
    modulus = numbers.public_numbers.n
    plain = pow(int.from_bytes(sealed, "big"), numbers.d, modulus)
    return plain.to_bytes((modulus.bit_length() + 7) // 8, "big").lstrip(b"\0")


def _key_text(plain: bytes) -> str | None:
    """The last 32 characters of ``plain`` when they are hex digits, else None."""
    try:
        text = plain[-32:].decode("ascii")
        bytes.fromhex(text)
    except ValueError:  # UnicodeDecodeError is a ValueError
        return None
    return text if len(text) == 32 else None


def decrypt_challenge(private_key: rsa.RSAPrivateKey, text: str) -> str:
    """The 32-character key text hidden in a ``<Challenge><key>``.

    PKCS#1 v1.5 first; OpenSSL's implicit rejection answers random bytes (not an error) for an
    unpadded seal, so a result that is not 32 hex digits falls back to raw decryption.
    """
    try:
        sealed = bytes.fromhex(base64.b64decode(text, validate=True).decode())
    except (binascii.Error, ValueError) as err:
        raise IsapiInvalidResponseError("bad challenge") from err
    try:
        key_text = _key_text(private_key.decrypt(sealed, padding.PKCS1v15()))
    except ValueError:
        key_text = None
    if key_text is None and len(sealed) * 8 <= RSA_BITS:
        key_text = _key_text(_unpadded(private_key, sealed))
    if key_text is None:
        raise IsapiInvalidResponseError("bad challenge key")
    return key_text


def _aes(key_text: str) -> Cipher[modes.ECB]:
    return Cipher(algorithms.AES(bytes.fromhex(key_text)), modes.ECB())


def encrypt_password(key_text: str, password: str) -> str:
    """The ``<ActivateInfo><password>`` text for ``password``."""
    plain = key_text[:16].encode() + password.encode()
    plain += b"\0" * (-len(plain) % 16)
    encryptor = _aes(key_text).encryptor()
    sealed = encryptor.update(plain) + encryptor.finalize()
    return base64.b64encode(sealed.hex().encode()).decode()
