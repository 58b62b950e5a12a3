"""Photos are checked and cleaned with Pillow before they are stored on a case
(`cases.images`, `attachment_add`), and served as thumbnails where they are listed."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from borough.accounts.models import User
from borough.cases.images import (
    HEIC,
    MAX_SIDE,
    ImageProblem,
    ImageRefused,
    image_clean,
    photo_types,
)
from borough.cases.models import Attachment, CaseEvent, EventKind
from borough.cases.services import CaseInvalid, Submission, attachment_add, case_create
from borough.core.models import AuditEntry
from tests.conftest import DORCHESTER

RED = (200, 20, 20)
BLUE = (20, 20, 200)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description exif:GPSLatitude="50,42.6N"/></rdf:RDF></x:xmpmeta>'
)


def gps_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: camera, orientation and a GPS position (in Dorchester)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (50.0, 42.0, 36.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (2.0, 26.0, 24.0),
    }
    return exif


def picture(width: int = 300, height: int = 200, mode: str = "RGB") -> Image.Image:
    """Red, with a blue square in the top left corner (to see which way up it is)."""
    image = Image.new(mode, (width, height), RED if mode != "RGBA" else (*RED, 255))
    image.paste(BLUE if mode != "RGBA" else (*BLUE, 255), (0, 0, 40, 40))
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def phone_photo(orientation: int = 6) -> bytes:
    """A JPEG with EXIF (GPS, orientation), XMP and a comment."""
    return encode(picture(), exif=gps_exif(orientation), xmp=XMP, comment=b"Taken on my phone")


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is `width` by `height` but holds only a few bytes of pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def opened(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def assert_no_metadata(content: bytes) -> None:
    image = opened(content)
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
    assert b"Exif\x00\x00" not in content and b"xmpmeta" not in content
    assert b"PhoneMaker" not in content and b"Taken on my phone" not in content


def content_of(field: Any) -> bytes:
    with field.open("rb") as handle:
        return bytes(handle.read())


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case(district, make_team, make_service):
    team = make_team(district, "Street cleansing")
    service = make_service(district, name="Report fly-tipping", default_team=team)
    return case_create(
        submission=Submission(
            service=service,
            channel="web",
            answers={"kind": "small", "details": "Bags by the bins"},
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
            reporter_email="rita@example.com",
        )
    )


# -- Cleaning ------------------------------------------------------------------------------------


def test_a_phone_photo_loses_its_gps_and_metadata_and_is_turned_upright():
    original = phone_photo(orientation=6)
    assert opened(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has GPS

    clean = image_clean(original)

    assert clean.content_type == "image/jpeg"
    assert_no_metadata(clean.content)
    # Orientation 6 is "turn 90 degrees clockwise": 300 x 200 becomes 200 x 300, and the
    # blue top-left corner ends up top right.
    image = opened(clean.content).convert("RGB")
    assert (clean.width, clean.height) == image.size == (200, 300)
    assert _near(image.getpixel((195, 5)), BLUE)
    assert _near(image.getpixel((5, 5)), RED)
    # The thumbnail is a small JPEG, upright and without metadata too.
    thumbnail = opened(clean.thumbnail)
    assert thumbnail.format == "JPEG" and thumbnail.size == (200, 300)
    assert_no_metadata(clean.thumbnail)


def _near(pixel: Any, colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def test_a_large_photo_has_a_400_pixel_thumbnail():
    clean = image_clean(encode(picture(2000, 1000)))
    assert (clean.width, clean.height) == (2000, 1000)
    assert opened(clean.thumbnail).size == (400, 200)


def test_cleaning_twice_gives_the_same_bytes():
    for original in (phone_photo(), encode(picture(), "PNG")):
        once = image_clean(original)
        assert image_clean(once.content).content == once.content


def test_a_png_loses_its_text_exif_and_colour_profile():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Taken on my phone")
    info.add_text("XML:com.adobe.xmp", XMP.decode())
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    original = encode(
        picture(mode="RGBA"), "PNG", pnginfo=info, exif=gps_exif(), icc_profile=profile
    )
    assert "icc_profile" in opened(original).info

    clean = image_clean(original)

    assert clean.content_type == "image/png"
    assert_no_metadata(clean.content)
    assert opened(clean.content).mode == "RGBA"  # transparency is kept


def test_webp_is_stored_as_jpeg_or_as_png_when_it_is_transparent():
    assert image_clean(encode(picture(), "WEBP", exif=gps_exif())).content_type == "image/jpeg"
    assert_no_metadata(image_clean(encode(picture(), "WEBP", exif=gps_exif())).content)
    transparent = picture(mode="RGBA")
    transparent.putpixel((200, 100), (0, 0, 0, 0))
    assert image_clean(encode(transparent, "WEBP", lossless=True)).content_type == "image/png"


def refusal(content: bytes, **options: Any) -> ImageRefused:
    with pytest.raises(ImageRefused) as caught:
        image_clean(content, **options)
    return caught.value


def test_what_is_refused_and_what_the_resident_is_told():
    truncated = phone_photo()[:1500]
    cases = [
        (b"", ImageProblem.EMPTY, "The selected file is empty"),
        (
            b"Dear council, please fix the pothole.",
            ImageProblem.WRONG_TYPE,
            "The selected file must be a JPG, PNG or WebP",
        ),
        (
            encode(picture(), "GIF"),
            ImageProblem.WRONG_TYPE,
            "The selected file must be a JPG, PNG or WebP",
        ),
        (truncated, ImageProblem.CORRUPT, "The selected file could not be uploaded – try again"),  # noqa: RUF001
        (
            encode(picture(99, 300)),
            ImageProblem.TOO_SMALL,
            "The selected file must be at least 100 pixels wide and 100 pixels high",
        ),
        (
            png_header(MAX_SIDE + 1, 200),
            ImageProblem.TOO_LARGE,
            "The selected file must be no more than 12,000 pixels wide and 12,000 pixels high",
        ),
        # A decompression bomb: a few kilobytes that would be 3.6 billion pixels.
        (
            png_header(60_000, 60_000),
            ImageProblem.TOO_LARGE,
            "The selected file must be smaller than 50 megapixels",
        ),
        # Just over the limit, where Pillow only warns: refused all the same.
        (
            png_header(8_000, 7_000),
            ImageProblem.TOO_LARGE,
            "The selected file must be smaller than 50 megapixels",
        ),
    ]
    for content, problem, message in cases:
        refused = refusal(content)
        assert (refused.problem, refused.message) == (problem, message)


def test_a_png_with_a_broken_checksum_is_refused():
    content = bytearray(encode(picture(), "PNG"))
    content[-20] ^= 0xFF  # inside the pixel data: its CRC no longer matches
    assert refusal(bytes(content)).problem == ImageProblem.CORRUPT


def test_limits_on_type_and_size_come_from_the_caller():
    assert refusal(phone_photo(), accept=["image/png"]).message == (
        "The selected file must be a PNG"
    )
    noise = random.Random(1).randbytes(600 * 600 * 3)
    big = encode(Image.frombytes("RGB", (600, 600), noise), quality=95)
    assert len(big) > 100 * 1024
    assert refusal(big, max_size_mb=0.1).message == "The selected file must be smaller than 0.1MB"


def test_heic_is_accepted_only_where_pillow_can_read_it():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    if HEIC in photo_types():  # a plugin that reads HEIC is installed
        assert refusal(heic).problem == ImageProblem.CORRUPT
    else:
        assert refusal(heic).message == "The selected file must be a JPG, PNG or WebP"


# -- Attaching to a case -------------------------------------------------------------------------


def test_a_photo_attached_to_a_case_is_stored_clean_with_its_thumbnail(case, media):
    officer = User.objects.create_user("officer@example.org", "x" * 12)
    attachment = attachment_add(
        case=case, content=phone_photo(), filename="IMG_0001.JPG", actor=officer, public=True
    )

    attachment.refresh_from_db()
    stored = attachment.file.read()
    assert_no_metadata(stored)
    assert (attachment.width, attachment.height) == (200, 300)
    assert attachment.content_type == "image/jpeg"
    assert attachment.size == len(stored)
    assert attachment.original_name == "IMG_0001.JPG"
    assert (
        attachment.thumbnail.name
        == f"cases/{case.reference}/{attachment.sha256[:16]}-thumbnail.jpg"
    )
    assert_no_metadata(attachment.thumbnail.read())
    assert case.events.filter(kind=EventKind.ATTACHMENT_ADDED).count() == 1


def test_a_webp_attached_to_a_case_is_named_for_what_it_became(case, media):
    attachment = attachment_add(
        case=case, content=encode(picture(), "WEBP"), filename="bins.webp", actor=None
    )
    assert attachment.original_name == "bins.jpg"
    assert attachment.file.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"just some text, not a picture", "photo.jpg", "must be a JPG, PNG or WebP"),
        (phone_photo()[:1500], "photo.jpg", "could not be uploaded – try again"),  # noqa: RUF001
        (png_header(60_000, 60_000), "bomb.png", "must be smaller than 50 megapixels"),
        (png_header(60_000, 60_000), "bomb.dat", "must be smaller than 50 megapixels"),
    ],
)
def test_a_refused_photo_stores_nothing_on_the_case(case, media, content, filename, message):
    events = CaseEvent.objects.count()
    with pytest.raises(CaseInvalid) as caught:
        attachment_add(case=case, content=content, filename=filename, actor=None)
    assert caught.value.errors == {"file": f"The selected file {message}"}
    assert Attachment.objects.count() == 0
    assert CaseEvent.objects.count() == events
    assert stored_files(media) == []


# -- Serving thumbnails --------------------------------------------------------------------------


@pytest.fixture
def public_case(county, make_team, make_service):
    team = make_team(county, "Highways")
    service = make_service(
        county, name="Report a pothole", needs_location=True, public_cases=True, default_team=team
    )
    made = case_create(
        submission=Submission(
            service=service,
            channel="web",
            answers={"kind": "small", "details": "A deep one"},
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
            reporter_email="rita@example.com",
        )
    )
    return made, team


def test_the_public_report_page_shows_thumbnails_of_public_photos_only(client, public_case, media):
    case, _team = public_case
    photo = attachment_add(
        case=case, content=encode(picture(800, 600)), filename="hole.jpg", actor=None, public=True
    )
    private = attachment_add(case=case, content=phone_photo(), filename="face.jpg", actor=None)
    url = f"/reports/{case.reference}/photos/{photo.pk}/"

    html = client.get(f"/reports/{case.reference}/").content.decode()
    assert (
        f'<a class="govuk-link" href="{url}"><img class="borough-photos__photo" src="{url}?size=thumbnail"'
        in html
    )

    response = client.get(url, {"size": "thumbnail"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == content_of(photo.thumbnail)
    assert opened(content_of(photo.thumbnail)).size == (400, 300)
    full = client.get(url)
    assert b"".join(full.streaming_content) == content_of(photo.file)
    # The thumbnail of a private photo is as hidden as the photo.
    hidden = f"/reports/{case.reference}/photos/{private.pk}/"
    assert client.get(hidden, {"size": "thumbnail"}).status_code == 404


def test_staff_see_thumbnails_only_where_they_may_see_the_case(
    public_case, media, district, make_team, make_staff
):
    case, team = public_case
    photo = attachment_add(case=case, content=encode(picture()), filename="hole.jpg", actor=None)
    url = f"/staff/cases/{case.reference}/attachments/{photo.pk}/"
    officer = make_staff(team, "caseworker")
    client = Client()
    client.force_login(officer)

    html = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert f'src="{url}?size=thumbnail"' in html
    response = client.get(url, {"size": "thumbnail"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == content_of(photo.thumbnail)
    # Reading the thumbnail is a read of the case, audited like the photo.
    assert (
        AuditEntry.objects.filter(
            object_id=case.reference, action="case.attachment_view", detail__size="thumbnail"
        ).count()
        == 1
    )

    outsider = Client()
    outsider.force_login(make_staff(make_team(district, "Waste"), "caseworker"))
    assert outsider.get(url, {"size": "thumbnail"}).status_code == 404
