"""The temporary upload store: files a resident adds before they send their form.

A file question's answer is a list of tokens. Each token names a photo kept under
`MEDIA_ROOT/tmp/`, with a small JPEG thumbnail (`<token>.thumbnail.jpg`) and a small JSON
file (`<token>.json`) beside it saying its name, type, size and dimensions, until the form is
sent, when the photos are attached to the case.

Every photo is checked and cleaned by `cases.images.image_clean` before anything is kept:
what a file is comes from opening it with Pillow, never from its name or the browser's word
(a text file renamed photo.png is refused), and what is kept carries no metadata (no EXIF,
so no GPS position). A refused file leaves nothing behind.

Files left behind by journeys that were never finished are deleted once they are older than
TEMPORARY_MAX_AGE by `uploads_sweep`, which `borough worker` runs every
UPLOAD_SWEEP_SECONDS (and `borough manage sweep_uploads` runs by hand).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Final

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from borough.cases import images
from borough.cases.images import ImageRefused, image_clean, name_for, photo_types

logger = logging.getLogger(__name__)

UPLOAD_PREFIX: Final = "tmp"
DEFAULT_MAX_SIZE_MB: Final = images.DEFAULT_MAX_SIZE_MB
TEMPORARY_MAX_AGE: Final = timedelta(hours=24)
_TOKEN_RE: Final = re.compile(r"[A-Za-z0-9_-]{32}")
_THUMBNAIL_SUFFIX: Final = ".thumbnail.jpg"
_META_SUFFIX: Final = ".json"
# The files of one token: the photo, its thumbnail and what is known about it.
_STORED_NAME_RE: Final = re.compile(r"([A-Za-z0-9_-]{32})(|\.thumbnail\.jpg|\.json)")


class UploadError(ValueError):
    """A file was refused; the message is the GOV.UK one to show the resident."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StoredUpload:
    token: str
    name: str
    # What is kept: image/jpeg or image/png, whatever was sent (WebP is kept as JPEG or PNG).
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    has_thumbnail: bool = False

    @property
    def filename(self) -> str:
        """The original name, with the extension of what the file really is."""
        return name_for(self.name, self.content_type)


def accepted_types(accept: Iterable[str] | None) -> list[str]:
    """The types a question allows that Borough can check: JPEG, PNG and WebP (and HEIC if
    Pillow reads it). `image/*` means all of them; none of them means the default."""
    available = list(photo_types())
    wanted = list(accept) if accept else available
    if "image/*" in wanted:
        return available
    return [kind for kind in available if kind in wanted] or available


def wrong_type_message(accept: Sequence[str]) -> str:
    """ "The selected file must be a JPG, PNG or WebP"."""
    return images.wrong_type_message(accept)


def _clean_name(name: str | None) -> str:
    base = PurePath((name or "").replace("\\", "/")).name.replace("\x00", "").strip()
    return base[:200] or "file"


def _path(token: str, suffix: str = "") -> str:
    return f"{UPLOAD_PREFIX}/{token}{suffix}"


def _valid(token: object) -> bool:
    return isinstance(token, str) and _TOKEN_RE.fullmatch(token) is not None


def upload_store(
    file: UploadedFile, *, accept: Sequence[str] | None = None, max_size_mb: float | None = None
) -> StoredUpload:
    """Check one uploaded photo and keep it, cleaned, with a thumbnail. Raises UploadError
    with the GOV.UK message, keeping nothing."""
    allowed = accepted_types(accept)
    most = max_size_mb or DEFAULT_MAX_SIZE_MB
    size = file.size or 0
    if size == 0:
        raise UploadError(images.empty_message())
    if size > most * 1024 * 1024:
        # Refused before it is read into memory.
        raise UploadError(images.size_message(most))
    content = b"".join(file.chunks())
    try:
        clean = image_clean(content, accept=allowed, max_size_mb=most)
    except ImageRefused as refused:
        raise UploadError(refused.message) from refused
    upload = StoredUpload(
        token=secrets.token_urlsafe(24),
        name=_clean_name(file.name),
        content_type=clean.content_type,
        size=len(clean.content),
        width=clean.width,
        height=clean.height,
        has_thumbnail=True,
    )
    default_storage.save(_path(upload.token), ContentFile(clean.content))
    default_storage.save(_path(upload.token, _THUMBNAIL_SUFFIX), ContentFile(clean.thumbnail))
    # Written last: a token is only known (upload_get) once its files are all there.
    meta = json.dumps(asdict(upload)).encode()
    default_storage.save(_path(upload.token, _META_SUFFIX), ContentFile(meta))
    return upload


def upload_get(token: str) -> StoredUpload | None:
    """What is known about a stored file, or None when there is no such token."""
    if not _valid(token):
        return None
    try:
        with default_storage.open(_path(token, _META_SUFFIX)) as handle:
            data = json.loads(handle.read())
        return StoredUpload(**data)
    except (OSError, ValueError, TypeError):
        return None


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name) as handle:
            content: bytes = handle.read()
        return content
    except OSError:
        return None


def upload_read(token: str) -> bytes | None:
    """The cleaned photo, or None."""
    return _read(_path(token)) if _valid(token) else None


def upload_thumbnail_read(token: str) -> bytes | None:
    """The photo's JPEG thumbnail (for the check answers page), or None."""
    return _read(_path(token, _THUMBNAIL_SUFFIX)) if _valid(token) else None


def upload_delete(token: str) -> None:
    if not _valid(token):
        return
    for suffix in (_META_SUFFIX, "", _THUMBNAIL_SUFFIX):
        name = _path(token, suffix)
        if default_storage.exists(name):
            default_storage.delete(name)


def uploads_sweep(*, older_than: timedelta = TEMPORARY_MAX_AGE, now: datetime | None = None) -> int:
    """Delete the temporary files of every upload kept longer than `older_than` (a journey
    that was never finished). Files that are not an upload's are left alone. Returns how
    many uploads were deleted; safe to run twice, or from two workers at once."""
    cutoff = (now or timezone.now()) - older_than
    try:
        _dirs, names = default_storage.listdir(UPLOAD_PREFIX)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    tokens: dict[str, bool] = {}
    for name in names:
        match = _STORED_NAME_RE.fullmatch(name)
        if match is None:
            continue
        token = match.group(1)
        try:
            old = default_storage.get_modified_time(_path(name)) < cutoff
        except OSError:  # deleted meanwhile
            continue
        # A token goes when all its files are old: never half of a photo being stored now.
        tokens[token] = tokens.get(token, True) and old
    swept = 0
    for token, old in tokens.items():
        if old:
            upload_delete(token)
            swept += 1
    if swept:
        logger.info("uploads_swept", extra={"count": swept})
    return swept
