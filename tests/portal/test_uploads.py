"""The temporary upload store: photos are cleaned before they are kept, refused files leave
nothing behind, and uploads of forms never sent are swept away."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import ExifTags, Image

from borough.cases.models import Case
from borough.core.management.commands.worker import PERIODIC_JOBS, Scheduler
from borough.portal.uploads import (
    UploadError,
    accepted_types,
    upload_delete,
    upload_get,
    upload_read,
    upload_store,
    upload_thumbnail_read,
    uploads_sweep,
)
from tests.cases.test_images import assert_no_metadata, encode, phone_photo, picture, png_header
from tests.portal.conftest import GOOD_ANSWERS, answer_all, check_key, errors_in, url


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def tmp_dir() -> Path:
    return Path(django_settings.MEDIA_ROOT) / "tmp"


def tmp_files() -> list[str]:
    return sorted(path.name for path in tmp_dir().iterdir()) if tmp_dir().exists() else []


def test_a_phone_photo_is_kept_without_its_gps_and_with_a_thumbnail():
    stored = upload_store(upload("IMG_0001.jpeg", phone_photo(orientation=6)))

    content = upload_read(stored.token)
    assert content is not None
    assert_no_metadata(content)
    assert (stored.width, stored.height) == (200, 300)  # turned upright
    assert stored.content_type == "image/jpeg" and stored.size == len(content)
    assert stored.name == "IMG_0001.jpeg" and stored.filename == "IMG_0001.jpeg"
    thumbnail = upload_thumbnail_read(stored.token)
    assert thumbnail is not None
    assert Image.open(io.BytesIO(thumbnail)).format == "JPEG"
    assert_no_metadata(thumbnail)
    assert upload_get(stored.token) == stored
    assert tmp_files() == sorted(
        [stored.token, f"{stored.token}.json", f"{stored.token}.thumbnail.jpg"]
    )

    upload_delete(stored.token)
    assert tmp_files() == []
    assert upload_get(stored.token) is None and upload_thumbnail_read(stored.token) is None


def test_a_webp_is_kept_as_a_jpeg():
    stored = upload_store(upload("bins.webp", encode(picture(), "WEBP"), "image/webp"))
    assert stored.content_type == "image/jpeg"
    assert stored.filename == "bins.jpg"


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            upload("photo.jpg", b"just some text, not a picture"),
            "The selected file must be a JPG, PNG or WebP",
        ),
        # What the browser says it is does not matter either.
        (
            upload("notes.txt", phone_photo()[:1500], "text/plain"),
            "The selected file could not be uploaded – try again",  # noqa: RUF001
        ),
        (
            upload("bomb.png", png_header(60_000, 60_000), "image/png"),
            "The selected file must be smaller than 50 megapixels",
        ),
        (
            upload("icon.png", encode(picture(64, 64), "PNG"), "image/png"),
            "The selected file must be at least 100 pixels wide and 100 pixels high",
        ),
        (upload("empty.jpg", b""), "The selected file is empty"),
        (
            upload("huge.jpg", phone_photo() + b"\0" * (10 * 1024 * 1024)),
            "The selected file must be smaller than 10MB",
        ),
    ],
)
def test_a_refused_file_leaves_nothing_behind(file, message):
    with pytest.raises(UploadError) as caught:
        upload_store(file)
    assert caught.value.message == message
    assert tmp_files() == []


def test_a_question_can_limit_the_types():
    assert accepted_types(None) == ["image/jpeg", "image/png", "image/webp"]
    assert accepted_types(["image/*"]) == ["image/jpeg", "image/png", "image/webp"]
    assert accepted_types(["image/png", "application/pdf"]) == ["image/png"]
    with pytest.raises(UploadError) as caught:
        upload_store(upload("photo.jpg", phone_photo()), accept=["image/png"])
    assert caught.value.message == "The selected file must be a PNG"
    assert tmp_files() == []


def test_the_case_gets_the_clean_photo_and_its_thumbnail_through_the_form(
    client, every_type_service, django_capture_on_commit_callbacks
):
    service = every_type_service
    answer_all(client, service, photos={"photos": upload("pothole.jpg", phone_photo())})
    token = client.session["portal.journeys"][service.code]["answers"]["photos"][0]
    kept = upload_read(token)
    assert kept is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(service, "check"), {"key": check_key(client, service)})
    assert response.status_code == 302

    attachment = Case.objects.get().attachments.get()
    stored = attachment.file.read()
    # Cleaned once, when it was uploaded: attaching it keeps the same bytes.
    assert stored == kept
    assert_no_metadata(stored)
    assert (attachment.width, attachment.height) == (200, 300)
    assert attachment.thumbnail
    assert tmp_files() == []


def test_a_refused_photo_is_explained_on_the_page(client, every_type_service):
    service = every_type_service
    for slug, data in GOOD_ANSWERS.items():  # every page before the photos
        if slug == "photos":
            break
        if slug != "other":
            assert client.post(url(service, slug), data).status_code == 302, slug
    response = client.post(
        url(service, "photos"), {"photos": upload("photo.jpg", b"not really a photo")}
    )
    assert response.status_code == 200
    assert errors_in(response) == ["The selected file must be a JPG, PNG or WebP"]
    assert tmp_files() == []


# -- The sweep ----------------------------------------------------------------------------------


def _age(token: str, hours: float) -> None:
    then = (timezone.now() - timedelta(hours=hours)).timestamp()
    for path in tmp_dir().glob(f"{token}*"):
        os.utime(path, (then, then))


def _three_uploads() -> tuple[str, str, str]:
    old, recent, fresh = (
        upload_store(upload(f"{n}.jpg", encode(picture()))).token for n in range(3)
    )
    _age(old, 25)
    _age(recent, 23)
    return old, recent, fresh


def test_the_sweep_deletes_uploads_older_than_a_day_and_nothing_else():
    old, recent, fresh = _three_uploads()
    (tmp_dir() / "README").write_text("not an upload")

    assert uploads_sweep() == 1
    assert upload_get(old) is None and upload_read(old) is None
    assert upload_thumbnail_read(old) is None
    assert upload_get(recent) is not None and upload_get(fresh) is not None
    assert (tmp_dir() / "README").exists()
    # Running it again finds nothing more to do.
    assert uploads_sweep() == 0


def test_the_sweep_with_nothing_uploaded_yet():
    assert not tmp_dir().exists()
    assert uploads_sweep() == 0


def test_the_sweep_command(capsys):
    old, recent, fresh = _three_uploads()
    call_command("sweep_uploads")
    assert capsys.readouterr().out.strip() == "Deleted 1 temporary upload"
    assert upload_get(old) is None and upload_get(recent) is not None

    call_command("sweep_uploads", "--hours", "12")
    assert capsys.readouterr().out.strip() == "Deleted 1 temporary upload"
    assert upload_get(recent) is None and upload_get(fresh) is not None


def test_the_worker_runs_the_sweep_every_upload_sweep_seconds(db, settings):
    settings.UPLOAD_SWEEP_SECONDS = 3600
    job = next(job for job in PERIODIC_JOBS if job[0] == "portal.uploads_sweep")
    assert job[1] == "UPLOAD_SWEEP_SECONDS"
    old, recent, _fresh = _three_uploads()
    scheduler = Scheduler(worker_id="one", jobs=[job])
    # The immediate task backend (used in tests) runs the task as it is enqueued.
    assert scheduler.run_due() == ["portal.uploads_sweep"]
    assert upload_get(old) is None and upload_get(recent) is not None
    assert scheduler.run_due() == []  # not again within the hour


def test_exif_gps_really_is_in_the_test_photo():
    """The photo the tests clean does carry a GPS position to lose."""
    exif = Image.open(io.BytesIO(phone_photo())).getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == (50.0, 42.0, 36.0)
