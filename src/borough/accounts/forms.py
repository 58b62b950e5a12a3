"""The account pages' forms: they parse input and give GOV.UK error messages.

Rules about accounts (what makes a good password, whether an address exists) live in the
services; a service's AccountInvalid is put back on the form with `add_errors`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from borough.accounts.models import ContactPreference
from borough.accounts.services import EMAIL_FORMAT, EMAIL_REQUIRED
from borough.places.postcodes import postcode_normalise


class GovukForm(forms.Form):
    """Ids are the fields' names (no "id_"), so error summary links read "#email"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def error_list(self) -> list[tuple[str, str]]:
        """(link target, message) for the error summary, in the order of the fields."""
        # Each field's id is its name; a radio field's first option has the field's name.
        first = next(iter(self.fields), "")
        items = [(f"#{first}", str(message)) for message in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                items.append((f"#{name}", str(message)))
        return items

    def add_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


def _text(required: str = "", max_length: int = 200, **messages: str) -> forms.CharField:
    errors = {"required": required} if required else {}
    if "max_length" in messages:
        errors["max_length"] = messages["max_length"]
    return forms.CharField(
        required=bool(required), max_length=max_length, strip=True, error_messages=errors
    )


class EmailField(forms.CharField):
    """An email address, checked for its format, in lower case."""

    def __init__(self, *, required_message: str = EMAIL_REQUIRED, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(
            strip=True,
            error_messages={
                "required": required_message,
                "max_length": _("Your email address must be 254 characters or fewer"),
            },
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        email = str(super().clean(value)).lower()
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise ValidationError(EMAIL_FORMAT) from exc
        return email


class PasswordField(forms.CharField):
    def __init__(self, *, required_message: str = "Enter your password", **kwargs: Any) -> None:
        super().__init__(
            strip=False,
            max_length=4096,
            error_messages={"required": required_message},
            **kwargs,
        )


# -- Registering and signing in ------------------------------------------------------------


class RegisterForm(GovukForm):
    # The service checks these, so that its messages are the ones shown.
    full_name = forms.CharField(required=False, max_length=1000, strip=True)
    email = forms.CharField(required=False, max_length=1000, strip=True)
    password = forms.CharField(required=False, max_length=4096, strip=False)


class SignInForm(GovukForm):
    email = EmailField()
    password = PasswordField()


class PasswordResetForm(GovukForm):
    email = EmailField()


class SetPasswordForm(GovukForm):
    # The service checks it, with Django's password validators.
    password = forms.CharField(required=False, max_length=4096, strip=False)


# -- Your details -------------------------------------------------------------------------


class NameForm(GovukForm):
    full_name = forms.CharField(required=False, max_length=1000, strip=True)


class PhoneForm(GovukForm):
    phone = forms.CharField(required=False, max_length=1000, strip=True)


class ContactForm(GovukForm):
    contact_preference = forms.ChoiceField(
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how you would like us to contact you"),
            "invalid_choice": _("Select how you would like us to contact you"),
        },
    )


class PostcodeForm(GovukForm):
    postcode = _text("Enter a postcode", max_length=20)

    def clean_postcode(self) -> str:
        postcode = postcode_normalise(self.cleaned_data["postcode"])
        if postcode is None:
            raise ValidationError(_("Enter a real postcode"))
        return postcode


class AddressForm(GovukForm):
    uprn = forms.ChoiceField(
        error_messages={
            "required": _("Select an address from the list"),
            "invalid_choice": _("Select an address from the list"),
        },
    )

    def __init__(self, *args: Any, addresses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        found = f"{len(addresses)} address{'' if len(addresses) == 1 else 'es'} found"
        self.fields["uprn"].choices = [("", found), *addresses]  # type: ignore[attr-defined]


YES_NO = [("yes", "Yes"), ("no", "No")]


class AssistanceForm(GovukForm):
    needs_assistance = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select yes if you need help to use council services"),
            "invalid_choice": _("Select yes if you need help to use council services"),
        },
    )


class AssistanceNotesForm(GovukForm):
    # The service checks it (required once help is needed, and its length).
    assistance_notes = forms.CharField(required=False, max_length=5000, strip=True)


class EmailChangeForm(GovukForm):
    email = EmailField(required_message="Enter your new email address")
    password = PasswordField()


class DeleteForm(GovukForm):
    password = PasswordField()


# -- Photos sent with a reply (and by staff closing a case) ------------------------------------

# The photo types Borough stores, by the format Pillow reads from the file's own bytes (never
# its name or the browser's word), with the words residents know.
PHOTO_TYPES: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
}
PHOTO_MAX_MB = 10


@dataclass(frozen=True)
class Photo:
    """A checked photo, ready for `cases.services.attachment_add`."""

    content: bytes
    filename: str
    content_type: str
    width: int
    height: int


def _photo_name(name: str, extension: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "").strip()
    base = base[:150] or "photo"
    if not base.lower().endswith((extension, ".jpeg" if extension == ".jpg" else extension)):
        base += extension
    return base


class PhotoField(forms.FileField):
    """An optional JPG or PNG photo of at most 10MB, checked by reading it as an image.
    Cleans to a `Photo`, or None when no file was chosen."""

    default_error_messages = {
        "invalid": _("The selected file must be a JPG or PNG"),
        "empty": _("The selected file is empty"),
        "missing": _("The selected file could not be uploaded – try again"),  # noqa: RUF001
        "max_length": _("The file name must be 150 characters or fewer"),
        "contradiction": _("The selected file could not be uploaded – try again"),  # noqa: RUF001
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Photo | None:
        uploaded = super().clean(data, initial)
        if not uploaded:
            return None
        if (uploaded.size or 0) > PHOTO_MAX_MB * 1024 * 1024:
            raise ValidationError(_("The selected file must be smaller than 10MB"))
        content = b"".join(uploaded.chunks())
        if not content:
            raise ValidationError(self.error_messages["empty"])
        try:
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format or ""
                width, height = image.size
                image.verify()
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            raise ValidationError(self.error_messages["invalid"]) from None
        if kind not in PHOTO_TYPES:
            raise ValidationError(self.error_messages["invalid"])
        content_type, extension = PHOTO_TYPES[kind]
        return Photo(
            content=content,
            filename=_photo_name(uploaded.name or "", extension),
            content_type=content_type,
            width=width,
            height=height,
        )


class RequestReplyForm(GovukForm):
    """The resident's answer to the council's question about their request."""

    body = forms.CharField(
        max_length=5000,
        strip=True,
        widget=forms.Textarea,
        error_messages={
            "required": _("Enter your reply"),
            "max_length": _("Your reply must be 5,000 characters or fewer"),
        },
    )
    photo = PhotoField()
