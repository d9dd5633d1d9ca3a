"""The device side of the iGrill challenge/response (thermometers.md §1.4).

The app writes a 16-byte challenge C; the device answers E = AES(C[0:8] + D)
with 8 random bytes D; the app must write back R = AES(00×8 + D). A client
that sends C = 00×16 can simply echo E, which is what most clients do.
"""

from __future__ import annotations

import random

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 16


def aes_encrypt(key: bytes, block: bytes) -> bytes:
    """AES-128-ECB of one 16-byte block."""
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


class Authenticator:
    """Per-connection handshake state of one device."""

    def __init__(self, key: bytes, rng: random.Random) -> None:
        self._key = key
        self._rng = rng
        self._challenge: bytes | None = None  # E, once the app challenged
        self._expected: bytes | None = None  # R
        self.authenticated = False

    def reset(self) -> None:
        """Forget the handshake (new connection)."""
        self._challenge = self._expected = None
        self.authenticated = False

    def receive_app_challenge(self, challenge: bytes) -> None:
        """Step 1: the app's challenge C; the device picks D and prepares E."""
        if len(challenge) != BLOCK:
            raise ValueError(f"the app challenge is {BLOCK} bytes, got {len(challenge)}")
        device_random = self._rng.randbytes(8)
        self._challenge = aes_encrypt(self._key, challenge[:8] + device_random)
        self._expected = aes_encrypt(self._key, bytes(8) + device_random)
        self.authenticated = False

    @property
    def challenged(self) -> bool:
        """Whether step 1 happened on this connection."""
        return self._challenge is not None

    def device_challenge(self, *, garbled: bool = False) -> bytes:
        """Step 2: E (random bytes instead when ``garbled``)."""
        if self._challenge is None:
            raise ValueError("no app challenge yet")
        return self._rng.randbytes(BLOCK) if garbled else self._challenge

    def check_response(self, response: bytes) -> bool:
        """Step 3: accept R; anything else leaves the link unauthenticated."""
        self.authenticated = self._expected is not None and response == self._expected
        return self.authenticated
