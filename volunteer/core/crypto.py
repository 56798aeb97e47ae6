"""Encryption of personal identifiers at rest, and keyed hashes for finding them again.

The ID number is encrypted with Fernet (AES-128-CBC + HMAC). Uniqueness is enforced on an
HMAC-SHA256 of the normalised number under a key derived from the same secret, so the database
never holds anything from which the number could be read or brute-forced without the key.
"""
from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def _fernet() -> Fernet:
    return Fernet(current_app.config["DATA_ENCRYPTION_KEY"])


def _hash_key(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"volunteer:" + purpose).derive(
        current_app.config["DATA_ENCRYPTION_KEY"].encode()
    )


def encrypt_text(value: str) -> bytes:
    return _fernet().encrypt(value.encode())


def decrypt_text(token: bytes) -> str:
    return _fernet().decrypt(bytes(token)).decode()


def keyed_hash(value: str, purpose: bytes = b"id-number") -> str:
    return hmac.new(_hash_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    """API tokens are long random strings; a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()
