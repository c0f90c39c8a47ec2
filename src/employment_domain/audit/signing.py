"""Signed anchors: the area signs each anchor with its Ed25519 key, so that its origin is proven.

An anchor alone is a SHA-256 chain value; anyone with write access to the database who re-seals
could hand over a new one. A signature by the area's key, which never enters the database, ties
the anchor to the area: an auditor checks it with the public key the area publishes before
trusting the anchor to check the history. Keys and signatures are made with ``cryptography``.

A signed anchor is written ``ea1:<position>:<digest>.ed25519.<signature>``, the signature in
URL-safe base64 without padding, so that it stays one word on a command line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from employment_domain.audit.seals import Anchor, AnchorError, IntegrityError

__all__ = [
    "SIGNING_KEY_VARIABLE",
    "AnchorSignatureError",
    "AnchorSigningKey",
    "AnchorVerifyKey",
    "SignedAnchor",
]

#: The environment variable that names the file of the area's private signing key.
SIGNING_KEY_VARIABLE = "EMPLOYMENT_AREA_ANCHOR_KEY_FILE"
_SEPARATOR = ".ed25519."
_CONTEXT = b"employment_domain anchor signature v1\0"


class AnchorSignatureError(IntegrityError):
    """An anchor's signature is missing, malformed or not made by the given key."""


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@attrs.frozen
class AnchorVerifyKey:
    """The area's public key, as it publishes it (PEM), with which anyone checks its anchors."""

    key: Ed25519PublicKey

    @classmethod
    def from_pem(cls, data: bytes) -> AnchorVerifyKey:
        """The public key from its PEM text; anything else is an AnchorSignatureError."""
        try:
            key = serialization.load_pem_public_key(data)
        except (ValueError, TypeError) as error:
            raise AnchorSignatureError(f"not a PEM public key: {error}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise AnchorSignatureError("the public key is not an Ed25519 key")
        return cls(key)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> AnchorVerifyKey:
        """The public key from a PEM file."""
        try:
            return cls.from_pem(Path(path).read_bytes())
        except OSError as error:
            raise AnchorSignatureError(
                f"cannot read the public key {os.fspath(path)!r}: {error.strerror}"
            ) from None

    @property
    def key_id(self) -> str:
        """A short fingerprint of the key, to tell keys apart in messages."""
        return _key_id(self.key)

    def pem(self) -> bytes:
        """The key as PEM, for the area to publish."""
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@attrs.frozen
class AnchorSigningKey:
    """The area's private key: kept in a file outside the database, never stored in it."""

    key: Ed25519PrivateKey = attrs.field(repr=False)

    @classmethod
    def generate(cls) -> AnchorSigningKey:
        """A new random key pair."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> AnchorSigningKey:
        """The private key from a PEM file (PKCS #8, unencrypted)."""
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise AnchorSignatureError(
                f"cannot read the signing key {os.fspath(path)!r}: {error.strerror}"
            ) from None
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as error:
            raise AnchorSignatureError(f"not a PEM private key: {error}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise AnchorSignatureError("the signing key is not an Ed25519 key")
        return cls(key)

    @classmethod
    def from_environment(cls) -> AnchorSigningKey | None:
        """The key of the file ``$EMPLOYMENT_AREA_ANCHOR_KEY_FILE`` names, or None."""
        path = os.environ.get(SIGNING_KEY_VARIABLE)
        return cls.from_file(path) if path else None

    def pem(self) -> bytes:
        """The private key as PEM, to be written to a file only its owner can read."""
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def verify_key(self) -> AnchorVerifyKey:
        """The public half, to publish."""
        return AnchorVerifyKey(self.key.public_key())

    def sign(self, anchor: Anchor) -> SignedAnchor:
        """The anchor with this key's signature."""
        signature = self.key.sign(_CONTEXT + str(anchor).encode("ascii"))
        return SignedAnchor(anchor, signature)


@attrs.frozen
class SignedAnchor:
    """An anchor and the area's signature over it."""

    anchor: Anchor
    signature: bytes

    @classmethod
    def parse(cls, text: str) -> SignedAnchor:
        """Read ``ea1:<position>:<digest>.ed25519.<signature>``."""
        if not isinstance(text, str) or _SEPARATOR not in text:
            raise AnchorSignatureError(
                "the anchor carries no signature (ea1:<position>:<digest>.ed25519.<signature>)"
            )
        anchor_text, _, signature_text = text.strip().partition(_SEPARATOR)
        try:
            signature = base64.urlsafe_b64decode(signature_text + "=" * (-len(signature_text) % 4))
        except (binascii.Error, ValueError):
            raise AnchorSignatureError("the anchor's signature is not base64") from None
        if len(signature) != 64:
            raise AnchorSignatureError("an Ed25519 signature is 64 bytes")
        try:
            anchor = Anchor.parse(anchor_text)
        except AnchorError as error:
            raise AnchorSignatureError(str(error)) from None
        return cls(anchor, signature)

    def verify(self, key: AnchorVerifyKey) -> Anchor:
        """The anchor, if ``key`` made the signature; else AnchorSignatureError."""
        try:
            key.key.verify(self.signature, _CONTEXT + str(self.anchor).encode("ascii"))
        except InvalidSignature:
            raise AnchorSignatureError(
                f"the anchor's signature was not made by the key {key.key_id}: the anchor's"
                " origin is not proven"
            ) from None
        return self.anchor

    def __str__(self) -> str:
        signature = base64.urlsafe_b64encode(self.signature).decode("ascii").rstrip("=")
        return f"{self.anchor}{_SEPARATOR}{signature}"
