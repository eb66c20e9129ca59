"""The camera's side of activation and SADP passwords, written from the protocol notes.

Only the simulator holds these: the integration ships the client's side alone. Each reads what
a client sent the way firmware would, and never raises: what does not open reads as None/False.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import string

from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

RSA_EXPONENT = 65537


def _aes_ecb_decrypt(key: bytes, sealed: bytes) -> bytes:
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    return decryptor.update(sealed) + decryptor.finalize()


def weak(password: str, username: str = "admin") -> bool:
    """The camera's own refusal of a weak password (``riskPassword``).

    As camera manuals state it: 8-16 characters, at least two kinds (digits, lower case,
    upper case, symbols), not the user name. (The integration applies a stricter rule first.)
    """
    kinds = sum(
        any(ch in chars for ch in password)
        for chars in (string.digits, string.ascii_lowercase, string.ascii_uppercase)
    ) + any(not ch.isalnum() for ch in password)
    return not 8 <= len(password) <= 16 or kinds < 2 or username.lower() in password.lower()


# ---- ISAPI activation -------------------------------------------------------------------------


def read_public_key(text: str) -> rsa.RSAPublicKey | None:
    """The client's ``<PublicKey><key>``: base64 of the hex of an RSA-1024 modulus."""
    try:
        modulus = int(base64.b64decode(text, validate=True), 16)
    except binascii.Error, ValueError:
        return None
    return rsa.RSAPublicNumbers(RSA_EXPONENT, modulus).public_key()


def seal_challenge(public_key: rsa.RSAPublicKey, key_text: str, *, padded: bool = True) -> str:
    """The ``<Challenge><key>``: ``key_text`` sealed to the client's key, hex, then base64.

    ``padded=False`` plays firmware that seals with raw RSA (no PKCS#1 padding).
    """
    if padded:
        sealed = public_key.encrypt(key_text.encode(), padding.PKCS1v15())
    else:
        numbers = public_key.public_numbers()
        value = pow(int.from_bytes(key_text.encode(), "big"), numbers.e, numbers.n)
        sealed = value.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
    return base64.b64encode(sealed.hex().encode()).decode()


def open_activation_password(key_text: str, text: str) -> str | None:
    """The password in ``<ActivateInfo><password>``; None when it was sealed otherwise.

    AES-128-ECB under the hex-decoded 32-character key text, over key_text[:16] + password.
    """
    try:
        sealed = bytes.fromhex(base64.b64decode(text, validate=True).decode())
        plain = _aes_ecb_decrypt(bytes.fromhex(key_text), sealed)
    except binascii.Error, ValueError:
        return None
    if plain[:16] != key_text[:16].encode():
        return None
    return plain[16:].rstrip(b"\0").decode(errors="replace")


# ---- SADP -------------------------------------------------------------------------------------


def open_sadp_activation(random: str, sealed: str, key_mode: str) -> str | None:
    """The password of an SADP ``activate``, as the camera reads it; None when it does not open.

    ``key_mode`` ``ascii``: the AES key is the ASCII of the random's first 16 characters;
    ``hex``: its first 32 characters, hex-decoded. The plain text starts with random[:16].
    """
    key = random[:16].encode() if key_mode == "ascii" else bytes.fromhex(random[:32])
    try:
        plain = _aes_ecb_decrypt(key, base64.b64decode(sealed, validate=True))
    except binascii.Error, ValueError:
        return None
    if plain[:16] != random[:16].encode():
        return None
    return plain[16:].rstrip(b"\0").decode("utf-8", errors="replace")


def update_password_matches(
    given: str, uuid: str, *, username: str, password: str, salt: str | None, tail: str
) -> bool:
    """Whether an ``update``'s password is the admin password, as this firmware reads it.

    Without a salt: base64(MD5(password)). With one: AES-128-ECB under K = MD5(hex SHA-256(user
    + salt + password)) over 64 bytes starting with K; what follows K is checked per ``tail``:
    ``uuid`` (";" + the message's Uuid, then zeros), ``zeros``, or ``ignored`` (anything).
    """
    if not salt:
        return given == base64.b64encode(hashlib.md5(password.encode()).digest()).decode()
    inner = hashlib.sha256(f"{username}{salt}{password}".encode()).hexdigest()
    key = hashlib.md5(inner.encode()).digest()
    try:
        plain = _aes_ecb_decrypt(key, base64.b64decode(given, validate=True))
    except binascii.Error, ValueError:
        return False
    if len(plain) != 64 or plain[:16] != key:
        return False
    rest = plain[16:]
    if tail == "uuid":
        expected = f";{uuid}".encode()
        return rest == expected + b"\0" * (48 - len(expected))
    if tail == "zeros":
        return rest == b"\0" * 48
    return True
