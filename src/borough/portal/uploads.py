"""The temporary upload store: files a resident adds before they send their form.

A file question's answer is a list of tokens. Each token names a file kept under
`MEDIA_ROOT/tmp/` (with a small JSON file beside it saying its name, type, size and
dimensions) until the form is sent, when the files are attached to the case.

What a file is comes from its first bytes, never from its name or the browser's word: a
text file renamed photo.png is refused.

Files left behind by journeys that were never finished are not yet cleared away: a periodic
task to delete tmp files older than a day belongs with the task worker.
"""

from __future__ import annotations

import json
import re
import secrets
import struct
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Final

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

UPLOAD_PREFIX: Final = "tmp"
DEFAULT_ACCEPT: Final = ("image/jpeg", "image/png")
DEFAULT_MAX_SIZE_MB: Final = 10

# The types Borough can recognise from their first bytes, with the words residents know.
_SIGNATURES: Final = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
_TYPE_NAMES: Final = {"image/jpeg": "JPG", "image/png": "PNG"}
_EXTENSIONS: Final = {"image/jpeg": ".jpg", "image/png": ".png"}
_TOKEN_RE: Final = re.compile(r"[A-Za-z0-9_-]{32}")


class UploadError(ValueError):
    """A file was refused; the message is the GOV.UK one to show the resident."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StoredUpload:
    token: str
    name: str
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None

    @property
    def filename(self) -> str:
        """The original name, with the extension of what the file really is."""
        extension = _EXTENSIONS.get(self.content_type, "")
        stem = self.name
        if extension and PurePath(stem).suffix.lower() not in (extension, ".jpeg"):
            stem += extension
        return stem


def accepted_types(accept: Iterable[str] | None) -> list[str]:
    """The types a question allows that Borough can check: JPEG and PNG for now."""
    wanted = list(accept) if accept else list(DEFAULT_ACCEPT)
    return [kind for kind in wanted if kind in _SIGNATURES] or list(DEFAULT_ACCEPT)


def wrong_type_message(accept: Sequence[str]) -> str:
    """ "The selected file must be a JPG or PNG"."""
    names = [_TYPE_NAMES[kind] for kind in accept]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"The selected file must be a {listed}"


def _sniff(head: bytes) -> str | None:
    for kind, signatures in _SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return kind
    return None


def _png_size(content: bytes) -> tuple[int | None, int | None]:
    if len(content) >= 24 and content[12:16] == b"IHDR":
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    return None, None


def _jpeg_size(content: bytes) -> tuple[int | None, int | None]:
    index = 2
    while index + 9 < len(content):
        if content[index] != 0xFF:
            index += 1
            continue
        marker = content[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            index += 1 if marker == 0xFF else 2
            continue
        (length,) = struct.unpack(">H", content[index + 2 : index + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return width, height
        index += 2 + length
    return None, None


def _clean_name(name: str | None) -> str:
    base = PurePath((name or "").replace("\\", "/")).name.replace("\x00", "").strip()
    return base[:200] or "file"


def _path(token: str, suffix: str = "") -> str:
    return f"{UPLOAD_PREFIX}/{token}{suffix}"


def upload_store(
    file: UploadedFile, *, accept: Sequence[str] | None = None, max_size_mb: int | None = None
) -> StoredUpload:
    """Check one uploaded file and keep it. Raises UploadError with the GOV.UK message."""
    allowed = accepted_types(accept)
    most = max_size_mb or DEFAULT_MAX_SIZE_MB
    size = file.size or 0
    if size == 0:
        raise UploadError("The selected file is empty")
    if size > most * 1024 * 1024:
        raise UploadError(f"The selected file must be smaller than {most}MB")
    content = b"".join(file.chunks())
    if not content:
        raise UploadError("The selected file is empty")
    kind = _sniff(content[:16])
    if kind not in allowed:
        raise UploadError(wrong_type_message(allowed))
    width, height = _png_size(content) if kind == "image/png" else _jpeg_size(content)
    upload = StoredUpload(
        token=secrets.token_urlsafe(24),
        name=_clean_name(file.name),
        content_type=kind,
        size=len(content),
        width=width,
        height=height,
    )
    default_storage.save(_path(upload.token), ContentFile(content))
    meta = json.dumps(asdict(upload)).encode()
    default_storage.save(_path(upload.token, ".json"), ContentFile(meta))
    return upload


def upload_get(token: str) -> StoredUpload | None:
    """What is known about a stored file, or None when there is no such token."""
    if not isinstance(token, str) or not _TOKEN_RE.fullmatch(token):
        return None
    try:
        with default_storage.open(_path(token, ".json")) as handle:
            data = json.loads(handle.read())
        return StoredUpload(**data)
    except (OSError, ValueError, TypeError):
        return None


def upload_read(token: str) -> bytes | None:
    if not isinstance(token, str) or not _TOKEN_RE.fullmatch(token):
        return None
    try:
        with default_storage.open(_path(token)) as handle:
            content: bytes = handle.read()
        return content
    except OSError:
        return None


def upload_delete(token: str) -> None:
    if not isinstance(token, str) or not _TOKEN_RE.fullmatch(token):
        return
    for name in (_path(token), _path(token, ".json")):
        if default_storage.exists(name):
            default_storage.delete(name)
