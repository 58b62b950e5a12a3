"""Checking and cleaning photos with Pillow, before anything is stored.

Every photo Borough keeps goes through `image_clean`: a resident's upload (the portal's
temporary store, `portal.uploads`) and a file staff attach to a case (`attachment_add`).

- What a file is comes from opening it with Pillow, never from its name or the browser's
  word: a text file renamed photo.jpg is refused. JPEG, PNG and WebP are accepted (and HEIC
  when a Pillow plugin that reads it is installed).
- A file must open, pass `Image.verify()` and then decode in full (`load()`): a truncated or
  corrupt file is refused. Images over MAX_PIXELS are refused before they are decoded
  (Pillow's decompression bomb check, with its warning turned into a refusal).
- Each side must be MIN_SIDE to MAX_SIDE pixels.
- The EXIF orientation is applied to the pixels, then the pixels are copied into a new
  image and saved with no metadata at all: no EXIF (so no GPS position), no XMP, no IPTC,
  no comments and no ICC profile (colours in another profile are converted to sRGB first).
  Photos with transparency are kept as PNG; everything else is saved as JPEG.
- A JPEG that already carries nothing but its pixels (for example one cleaned here before)
  is kept byte for byte, so cleaning is idempotent and a photo is never re-compressed twice.
- A JPEG thumbnail (THUMBNAIL_SIDE pixels on its longest side) is made for lists of photos.

Refusals raise `ImageRefused` with the GOV.UK message for the resident or officer.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING, Final

from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

    from borough.cases.models import Attachment

MIN_SIDE: Final = 100
MAX_SIDE: Final = 12_000
# Larger images are refused before they are decoded (about 150 MB of memory as RGB).
MAX_PIXELS: Final = 50_000_000
DEFAULT_MAX_SIZE_MB: Final = 10
THUMBNAIL_SIDE: Final = 400
JPEG_QUALITY: Final = 88
THUMBNAIL_QUALITY: Final = 80

# Pillow refuses (DecompressionBombError) images over twice this, and warns over it; the
# warning is turned into a refusal in `image_clean`.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
WEBP: Final = "image/webp"
HEIC: Final = "image/heic"

# Pillow format name -> the type Borough calls it. HEIC only when a plugin can read it.
_FORMAT_TYPES: Final = {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP, "HEIF": HEIC}
_TYPE_NAMES: Final = {JPEG: "JPG", PNG: "PNG", WEBP: "WebP", HEIC: "HEIC"}
_EXTENSIONS: Final = {JPEG: ".jpg", PNG: ".png"}
_IMAGE_SUFFIXES: Final = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif", ".gif", ".bmp", ".tif", ".tiff"}
)
# Formats recognised as "an image" (to refuse them) though not accepted.
_RECOGNISED_FORMATS: Final = ("JPEG", "PNG", "WEBP", "HEIF", "GIF", "BMP", "TIFF", "ICO", "PSD")


class ImageProblem(StrEnum):
    EMPTY = "empty"
    FILE_TOO_LARGE = "file_too_large"
    WRONG_TYPE = "wrong_type"
    CORRUPT = "corrupt"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"


class ImageRefused(ValueError):
    """A file was refused; `message` is the GOV.UK one to show."""

    def __init__(self, problem: ImageProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message


@dataclass(frozen=True)
class CleanImage:
    """A photo ready to store: pixels only, no metadata."""

    content: bytes
    content_type: str  # image/jpeg or image/png
    width: int
    height: int
    thumbnail: bytes  # a JPEG

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self.content_type]


def _readable(names: Iterable[str]) -> list[str]:
    """The Pillow formats among `names` that this installation can open."""
    Image.init()
    return [name for name in names if name in Image.OPEN]


def photo_types() -> tuple[str, ...]:
    """The types of photo Borough accepts: JPEG, PNG and WebP, and HEIC if Pillow reads it."""
    return tuple(_FORMAT_TYPES[name] for name in _readable(_FORMAT_TYPES))


def wrong_type_message(accept: Sequence[str]) -> str:
    """ "The selected file must be a JPG, PNG or WebP"."""
    names = [_TYPE_NAMES[kind] for kind in accept if kind in _TYPE_NAMES]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return _("The selected file must be a %(types)s") % {"types": listed}


def size_message(max_size_mb: float) -> str:
    return _("The selected file must be smaller than %(size)sMB") % {"size": f"{max_size_mb:g}"}


def _refuse(problem: ImageProblem, message: str) -> ImageRefused:
    return ImageRefused(problem, message)


def empty_message() -> str:
    return _("The selected file is empty")


def _empty() -> ImageRefused:
    return _refuse(ImageProblem.EMPTY, empty_message())


def _corrupt() -> ImageRefused:
    return _refuse(
        ImageProblem.CORRUPT,
        _("The selected file could not be uploaded – try again"),  # noqa: RUF001
    )


def _too_large(*, pixels: bool = False) -> ImageRefused:
    if pixels:
        message = _("The selected file must be smaller than %(megapixels)s megapixels") % {
            "megapixels": MAX_PIXELS // 1_000_000
        }
    else:
        message = _(
            "The selected file must be no more than %(side)s pixels wide and %(side)s pixels high"
        ) % {"side": f"{MAX_SIDE:,}"}
    return _refuse(ImageProblem.TOO_LARGE, message)


def _too_small() -> ImageRefused:
    return _refuse(
        ImageProblem.TOO_SMALL,
        _("The selected file must be at least %(side)s pixels wide and %(side)s pixels high")
        % {"side": MIN_SIDE},
    )


def image_expected(content: bytes, *, filename: str = "", content_type: str = "") -> bool:
    """Whether a file is, or says it is, an image (and so must pass `image_clean`): by its
    type, its name, or the first bytes of any image format Pillow knows."""
    if content_type.lower().startswith("image/"):
        return True
    if PurePath(filename).suffix.lower() in _IMAGE_SUFFIXES:
        return True
    return _recognised(content, _RECOGNISED_FORMATS)


def _recognised(content: bytes, formats: Iterable[str]) -> bool:
    """Whether `content` starts as a file of one of `formats` does (nothing is decoded)."""
    head = content[:16]
    for name in _readable(formats):
        accept = Image.OPEN[name][1]
        recognised = accept(head) if accept is not None else False
        if recognised and not isinstance(recognised, str):
            return True
    return False


def name_for(filename: str, content_type: str) -> str:
    """`filename` with the extension of what the file now is ("IMG_1.webp" -> "IMG_1.jpg")."""
    extension = _EXTENSIONS.get(content_type)
    if not extension:
        return filename
    suffix = PurePath(filename).suffix
    if suffix.lower() == extension or (extension == ".jpg" and suffix.lower() in (".jpeg", ".jpe")):
        return filename
    if suffix.lower() in _IMAGE_SUFFIXES:
        return filename[: -len(suffix)] + extension
    return filename + extension


def _accepted(accept: Iterable[str] | None) -> tuple[str, ...]:
    available = photo_types()
    wanted = list(accept) if accept else list(available)
    if "image/*" in wanted:
        return available
    # HEIF is HEIC's other name.
    wanted = [HEIC if kind == "image/heif" else kind for kind in wanted]
    return tuple(kind for kind in available if kind in wanted) or available


def _open(content: bytes, allowed: Sequence[str]) -> Image.Image:
    """Open, check the type and size, verify and fully decode; a refusal for anything else."""
    formats = _readable(_FORMAT_TYPES)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(content), formats=formats)
            if _FORMAT_TYPES.get(str(probe.format)) not in allowed:
                raise _refuse(ImageProblem.WRONG_TYPE, wrong_type_message(allowed))
            _check_size(*probe.size)
            probe.verify()
            image = Image.open(io.BytesIO(content), formats=formats)
            image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(pixels=True) from None
    except UnidentifiedImageError:
        if _recognised(content, _FORMAT_TYPES):  # a photo's first bytes, then nonsense
            raise _corrupt() from None
        raise _refuse(ImageProblem.WRONG_TYPE, wrong_type_message(allowed)) from None
    except Exception:
        raise _corrupt() from None
    return image


def _check_size(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise _too_large(pixels=True)
    if width > MAX_SIDE or height > MAX_SIDE:
        raise _too_large()
    if width < MIN_SIDE or height < MIN_SIDE:
        raise _too_small()


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert pixels in an embedded ICC profile to sRGB (a broken profile is ignored)."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        mode = "RGBA" if _has_alpha(image) else "RGB"
        if image.mode not in ("RGB", "RGBA", "CMYK", "L", "LA"):
            image = image.convert(mode)
        converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _pixels(image: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """The pixels alone, in L, RGB or RGBA, in a new image that has no `info` at all."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit grey: scale down to 8 bits rather than clipping.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if keep_alpha:
        target = "RGBA"
    elif image.mode in ("1", "L"):
        target = "L"
    else:
        target = "RGB"
    if _has_alpha(image) and not keep_alpha:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    converted = image.convert(target) if image.mode != target else image
    # A fresh image: nothing of the original's metadata can reach the encoder.
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


# A bare JPEG: SOI, then only JFIF APP0, tables and a baseline frame before its one scan.
_JPEG_ALLOWED_MARKERS: Final = frozenset({0xC0, 0xC4, 0xDB, 0xDD})
_ENTROPY_MARKER: Final = re.compile(rb"\xff(?!\x00|[\xd0-\xd7]|\xff)")


def _jpeg_is_bare(content: bytes) -> bool:
    """Whether a JPEG holds nothing but a JFIF header, its tables and one baseline scan
    ending the file: no EXIF, XMP, ICC, IPTC, comments, or anything after the image."""
    if not content.startswith(b"\xff\xd8") or not content.endswith(b"\xff\xd9"):
        return False
    index = 2
    while index + 4 <= len(content):
        if content[index] != 0xFF:
            return False
        marker = content[index + 1]
        length = int.from_bytes(content[index + 2 : index + 4], "big")
        segment = content[index + 4 : index + 2 + length]
        if marker == 0xDA:  # start of scan: the rest must be entropy-coded data, then EOI
            scan = content[index + 2 + length :]
            found = [match.start() for match in _ENTROPY_MARKER.finditer(scan)]
            return found == [len(scan) - 2]
        if marker == 0xE0:
            if not segment.startswith(b"JFIF\x00"):
                return False
        elif marker not in _JPEG_ALLOWED_MARKERS:
            return False
        index += 2 + length
    return False


def _encode(image: Image.Image, content_type: str, *, quality: int) -> bytes:
    buffer = io.BytesIO()
    if content_type == PNG:
        image.save(buffer, "PNG")
    else:
        image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    thumb = _pixels(image, keep_alpha=False)
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return _encode(thumb, JPEG, quality=THUMBNAIL_QUALITY)


def image_clean(
    content: bytes,
    *,
    accept: Iterable[str] | None = None,
    max_size_mb: float | None = None,
) -> CleanImage:
    """Check a photo and give it back without metadata, with its size and a thumbnail.

    `accept` limits the types (default: every photo type, `photo_types()`); `max_size_mb`
    the file size (default DEFAULT_MAX_SIZE_MB). Raises ImageRefused; stores nothing.
    """
    allowed = _accepted(accept)
    most = max_size_mb or DEFAULT_MAX_SIZE_MB
    if not content:
        raise _empty()
    if len(content) > most * 1024 * 1024:
        raise _refuse(ImageProblem.FILE_TOO_LARGE, size_message(most))
    image = _open(content, allowed)
    kind = _FORMAT_TYPES[str(image.format)]

    if kind == JPEG and image.mode in ("L", "RGB") and _jpeg_is_bare(content):
        return CleanImage(
            content=content,
            content_type=JPEG,
            width=image.width,
            height=image.height,
            thumbnail=_thumbnail(image),
        )

    try:
        upright = ImageOps.exif_transpose(image) or image
    except Exception:
        upright = image
    upright.info = dict(image.info)  # the ICC profile, for the sRGB conversion
    keep_alpha = _has_alpha(upright) and kind in (PNG, WEBP, HEIC)
    try:
        pixels = _pixels(_to_srgb(upright), keep_alpha=keep_alpha)
    except Exception:
        raise _corrupt() from None
    output = PNG if kind == PNG or keep_alpha else JPEG
    return CleanImage(
        content=_encode(pixels, output, quality=JPEG_QUALITY),
        content_type=output,
        width=pixels.width,
        height=pixels.height,
        thumbnail=_thumbnail(pixels),
    )


def attachment_file(attachment: Attachment, *, size: str | None) -> tuple[FieldFile, str]:
    """The stored file to serve for `?size=`: the thumbnail ("thumbnail") when the
    attachment has one, else the file itself; with its content type."""
    if size == "thumbnail" and attachment.thumbnail:
        return attachment.thumbnail, JPEG
    return attachment.file, attachment.content_type
