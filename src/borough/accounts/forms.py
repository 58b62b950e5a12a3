"""The account pages' forms: they parse input and give GOV.UK error messages.

Rules about accounts (what makes a good password, whether an address exists) live in the
services; a service's AccountInvalid is put back on the form with `add_errors`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

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
                "max_length": "Your email address must be 254 characters or fewer",
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
            "required": "Select how you would like us to contact you",
            "invalid_choice": "Select how you would like us to contact you",
        },
    )


class PostcodeForm(GovukForm):
    postcode = _text("Enter a postcode", max_length=20)

    def clean_postcode(self) -> str:
        postcode = postcode_normalise(self.cleaned_data["postcode"])
        if postcode is None:
            raise ValidationError("Enter a real postcode")
        return postcode


class AddressForm(GovukForm):
    uprn = forms.ChoiceField(
        error_messages={
            "required": "Select an address from the list",
            "invalid_choice": "Select an address from the list",
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
            "required": "Select yes if you need help to use council services",
            "invalid_choice": "Select yes if you need help to use council services",
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
