"""Server-side HTTP Digest (RFC 7616) for the simulator: MD5 and SHA-256, expiring nonces."""

from __future__ import annotations

from dataclasses import dataclass, field
import hashlib
import re
import secrets
import time
from typing import Final

_HASHES: Final = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
_PAIR: Final = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))')


class DigestResult:
    """Outcomes of checking an Authorization header."""

    MISSING: Final = "missing"
    OK: Final = "ok"
    STALE: Final = "stale"
    WRONG: Final = "wrong"


@dataclass
class DigestServer:
    """Issues challenges and checks answers for one realm."""

    realm: str
    algorithm: str = "MD5"
    nonce_lifetime: float = 300.0
    _nonces: dict[str, float] = field(default_factory=dict)

    def challenge(self, *, stale: bool = False) -> str:
        """A WWW-Authenticate header value with a fresh nonce."""
        nonce = secrets.token_hex(16)
        self._nonces[nonce] = time.monotonic()
        value = (
            f'Digest qop="auth", realm="{self.realm}", nonce="{nonce}", '
            f'algorithm={self.algorithm}, opaque="{secrets.token_hex(8)}"'
        )
        return value + (", stale=TRUE" if stale else "")

    def check(self, header: str | None, method: str, username: str, password: str | None) -> str:
        """Check an Authorization header against the account."""
        if not header or not header.lower().startswith("digest "):
            return DigestResult.MISSING
        params = {m[1].lower(): m[2] if m[2] is not None else m[3] for m in _PAIR.finditer(header)}
        nonce = params.get("nonce", "")
        issued = self._nonces.get(nonce)
        if issued is None:
            return DigestResult.STALE
        if password is None or params.get("username") != username:
            return DigestResult.WRONG
        h = _HASHES[self.algorithm]

        def digest(text: str) -> str:
            return h(text.encode()).hexdigest()

        ha1 = digest(f"{username}:{self.realm}:{password}")
        ha2 = digest(f"{method}:{params.get('uri', '')}")
        expected = digest(
            f"{ha1}:{nonce}:{params.get('nc', '')}:{params.get('cnonce', '')}:"
            f"{params.get('qop', '')}:{ha2}"
        )
        if not secrets.compare_digest(expected, params.get("response", "")):
            return DigestResult.WRONG
        if time.monotonic() - issued > self.nonce_lifetime:
            del self._nonces[nonce]
            return DigestResult.STALE
        return DigestResult.OK
