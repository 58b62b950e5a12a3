"""The back office's forms: parse and check input, with GOV.UK error messages.

Forms only parse. Views authorise, and the case services do the work (and refuse a stale
edit); a service's refusal is put back on the form with `add_service_errors`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from borough.accounts.forms import PhotoField
from borough.accounts.models import User
from borough.backoffice.two_factor import CodeError, code_clean
from borough.cases.models import CLOSED_STATUSES, Case, Status
from borough.cases.selectors import OPEN_STATUSES, CaseFilters, StatusFilter
from borough.cases.services import REPLY_CHANNELS, CaseStale
from borough.catalogue.models import CaseStatus, ResponseTemplate, Service
from borough.catalogue.selectors import template_for_status, template_render, template_values
from borough.contacts.models import Channel, Outcome
from borough.core.models import Organisation, Team
from borough.core.references import reference_normalise

STALE_MESSAGE = CaseStale().message


class GovukForm(forms.Form):
    """Ids without Django's "id_" so error summary links read "#note-body"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def error_list(self) -> list[tuple[str, str]]:
        """(link target, message) for the error summary, in the order of the fields."""
        items: list[tuple[str, str]] = []
        for message in self.non_field_errors():
            items.append((self.summary_anchor(), str(message)))
        for name, field in self.fields.items():
            anchor = (
                self.summary_anchor()
                if isinstance(field.widget, forms.HiddenInput)
                else f"#{self[name].id_for_label}"
            )
            for message in self.errors.get(name, []):
                items.append((anchor, str(message)))
        return items

    def summary_anchor(self) -> str:
        """Where an error that is not about one field links to: the form's first field."""
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.HiddenInput):
                return f"#{self[name].id_for_label}"
        return ""


def add_service_errors(form: forms.Form, errors: dict[str, str]) -> None:
    """Put a service's CaseInvalid errors on the matching fields (or on the form)."""
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


# -- Signing in ---------------------------------------------------------------------------


class SignInForm(GovukForm):
    email = forms.CharField(
        max_length=254, strip=True, error_messages={"required": _("Enter your email address")}
    )
    password = forms.CharField(
        max_length=4096, strip=False, error_messages={"required": _("Enter your password")}
    )


# -- Queues -------------------------------------------------------------------------------

ALL_STATUSES = "all"

_DATE_FORMATS = (
    re.compile(r"^(?P<day>\d{1,2})[/.\- ](?P<month>\d{1,2})[/.\- ](?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$"),
)


def _parse_date(value: str) -> date | None:
    for pattern in _DATE_FORMATS:
        match = pattern.match(value.strip())
        if match:
            try:
                return date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                return None
    return None


class DateField(forms.CharField):
    """A date typed as 27/3/2026 (or 2026-03-27)."""

    def __init__(self, *, name: str, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=20, **kwargs)
        self.name = name

    def clean(self, value: Any) -> date | None:
        text = super().clean(value)
        if not text:
            return None
        parsed = _parse_date(text)
        if parsed is None:
            raise forms.ValidationError(f"{self.name} must be a real date, like 27/3/2026")
        return parsed


class CaseFilterForm(GovukForm):
    search = forms.CharField(required=False, max_length=200)
    service = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(required=False)
    ward = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(required=False)
    created_from = DateField(name="Created from")
    created_to = DateField(name="Created to")

    def __init__(
        self, *args: Any, services: Iterable[Any], wards: Iterable[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        service_choice: Any = self.fields["service"]
        service_choice.choices = [("", _("All services"))] + [(s.pk, s.name) for s in services]
        status_choice: Any = self.fields["status"]
        status_choice.choices = [
            (StatusFilter.OPEN.value, _("Open cases")),
            (StatusFilter.CLOSED.value, _("Closed cases")),
            (ALL_STATUSES, _("All statuses")),
            ("Open statuses", [(s, Status(s).label) for s in OPEN_STATUSES]),
            (
                "Closed statuses",
                [(s.value, s.label) for s in Status if s in CLOSED_STATUSES],
            ),
        ]
        ward_choice: Any = self.fields["ward"]
        ward_choice.choices = [("", _("All wards"))] + [(w.pk, w.name) for w in wards]
        channel_choice: Any = self.fields["channel"]
        channel_choice.choices = [("", _("All channels")), *Channel.choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("Created to must be the same as or after created from"))
        return cleaned

    def filters(self) -> CaseFilters:
        """The valid part of what was asked for (an invalid field does not filter)."""
        data = self.cleaned_data if self.is_bound else {}
        status = data.get("status") or StatusFilter.OPEN.value
        return CaseFilters(
            service=data.get("service"),
            status="" if status == ALL_STATUSES else status,
            ward=data.get("ward"),
            channel=data.get("channel") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to") if "created_to" not in self.errors else None,
            search=data.get("search") or "",
        )

    @property
    def is_filtered(self) -> bool:
        """Whether anything but the default (open cases) was asked for."""
        if not self.is_bound:
            return False
        if self.data.get("status") not in (None, "", StatusFilter.OPEN.value):
            return True
        return any(self.data.get(name) for name in self.fields if name != "status")


def staff_choices(users: Iterable[User]) -> list[tuple[str, str]]:
    return [(str(user.pk), f"{user.full_name or user.email} ({user.email})") for user in users]


class StaffChoiceField(forms.TypedChoiceField):
    """A member of staff, from a queryset fetched once for the select and the check."""

    def __init__(self, *, message: str, **kwargs: Any) -> None:
        super().__init__(
            coerce=int,
            empty_value=None,
            error_messages={"required": message, "invalid_choice": message},
            **kwargs,
        )


class ReferencesField(forms.Field):
    """Case references ticked in a list, normalised; each must be well formed."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": _("Select the cases to assign")}

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        references = []
        for item in values:
            reference = reference_normalise(str(item))
            if reference is None:
                raise forms.ValidationError(_("Select the cases to assign"))
            if reference not in references:
                references.append(reference)
        return references


class BulkAssignForm(GovukForm):
    cases = ReferencesField()
    assignee = StaffChoiceField(message="Select who to assign the cases to")

    def __init__(self, *args: Any, assignees: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee_choice: Any = self.fields["assignee"]
        assignee_choice.choices = [("", _("Select a member of staff")), *staff_choices(assignees)]
        self.assignees = {user.pk: user for user in assignees}

    def chosen_assignee(self) -> User:
        return self.assignees[self.cleaned_data["assignee"]]

    def error_list(self) -> list[tuple[str, str]]:
        items = [("#assignee", str(message)) for message in self.non_field_errors()]
        items += [("#bulk-cases", str(message)) for message in self.errors.get("cases", [])]
        items += [("#assignee", str(message)) for message in self.errors.get("assignee", [])]
        return items


# -- Actions on one case --------------------------------------------------------------------


class CaseActionForm(GovukForm):
    """Every action carries the version of the case the page showed."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": STALE_MESSAGE, "invalid": STALE_MESSAGE},
    )

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user


class AssignForm(CaseActionForm):
    prefix = "assign"
    assignee = StaffChoiceField(message="Select who to assign the case to")

    def __init__(self, *args: Any, assignees: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice: Any = self.fields["assignee"]
        choice.choices = [("", _("Select a member of staff")), *staff_choices(assignees)]
        self.assignees = {user.pk: user for user in assignees}
        if not self.is_bound and self.case.assignee_id in self.assignees:
            self.initial["assignee"] = self.case.assignee_id

    def chosen_assignee(self) -> User:
        return self.assignees[self.cleaned_data["assignee"]]


# "Waiting for the resident" is set by asking the resident for information, which also stops
# the SLA clock; it is not offered as a plain status.
STATUS_FORM_STATUSES = [s for s in OPEN_STATUSES if s != Status.WAITING]
CLOSING_STATUSES = [s for s in Status if s in CLOSED_STATUSES and s != Status.DUPLICATE]

# The name of the "Use template" button: it fills the text in, and changes nothing.
USE_TEMPLATE = "use_template"


class StatusChoiceForm(CaseActionForm):
    """A status (one of the council's named statuses for the case, or when it has none a base
    status) and a response template that fills in the text for the resident.

    `fill` is the "Use template" button: the text is not needed, and the template chosen (or
    else the one the chosen status picks) is filled in as `filled_text` for the form to be
    shown again (`refilled`). Nothing is changed."""

    # The statuses offered, and the name of the text field a template fills in.
    closing = False
    text_field = "message"
    status_message = _("Select a status")

    status = forms.ChoiceField()
    template = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Select a response template from the list")},
    )

    def __init__(
        self,
        *args: Any,
        statuses: list[CaseStatus] | None = None,
        templates: list[ResponseTemplate] | None = None,
        fill: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fill = fill
        self.filled_text = ""
        self.named = {
            named.pk: named for named in statuses or [] if named.is_closed == self.closing
        }
        self.templates = {template.pk: template for template in templates or []}
        message = self.status_message
        status_field: Any = self.fields["status"]
        status_field.error_messages = {"required": message, "invalid_choice": message}
        status_field.required = not fill
        if self.named:
            status_field.choices = [
                ("", _("Select a status")),
                *[(str(pk), named.name) for pk, named in self.named.items()],
            ]
        else:
            bases = CLOSING_STATUSES if self.closing else STATUS_FORM_STATUSES
            status_field.choices = [
                *([] if self.closing else [("", _("Select a status"))]),
                *[(str(status), Status(status).label) for status in bases],
            ]
        template_field: Any = self.fields["template"]
        template_field.choices = [
            ("", _("No template")),
            *[(template.pk, template.title) for template in self.templates.values()],
        ]
        if fill:
            self.fields[self.text_field].required = False
        if not self.is_bound:
            self.initial.update(self.initial_status())

    def initial_status(self) -> dict[str, Any]:
        return {}

    @property
    def has_templates(self) -> bool:
        return bool(self.templates)

    def chosen_status(self) -> tuple[str, CaseStatus | None]:
        """(base status, named status or None) chosen; ("", None) when none was."""
        value = self.cleaned_data.get("status") or ""
        if self.named and value:
            named = self.named[int(value)]
            return named.base_status, named
        return value, None

    def chosen_template(self) -> ResponseTemplate | None:
        pk = self.cleaned_data.get("template")
        return self.templates.get(pk) if pk is not None else None

    def status_words(self, status: str, named: CaseStatus | None) -> str:
        if named is not None:
            return named.name
        if status:
            return str(Status(status).label)
        return self.case.status_text

    def template_for(self, status: str, named: CaseStatus | None) -> ResponseTemplate | None:
        return template_for_status(
            list(self.templates.values()), case_status=named, status="" if named else status
        )

    def template_text(
        self, template: ResponseTemplate, status: str, named: CaseStatus | None
    ) -> str:
        values = template_values(case=self.case, status=self.status_words(status, named))
        return template_render(template.body, values=values)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.fill and not self.errors:
            status, named = self.chosen_status()
            template = self.chosen_template() or self.template_for(status, named)
            if template is None:
                self.add_error(
                    "template",
                    _("Select a response template")
                    if self.has_templates
                    else _("There are no response templates for this case"),
                )
            else:
                cleaned["template"] = template.pk
                self.filled_text = self.template_text(template, status, named)
        return cleaned

    def refilled(self) -> StatusChoiceForm:
        """The form again, unbound, with the chosen status and template and the filled text."""
        return type(self)(
            case=self.case,
            user=self.user,
            statuses=list(self.named.values()),
            templates=list(self.templates.values()),
            initial={
                "status": self.cleaned_data.get("status") or "",
                "template": self.cleaned_data.get("template"),
                self.text_field: self.filled_text,
            },
        )

    def template_script(self) -> dict[str, Any]:
        """What case.js needs to fill the text in when a template or a status is chosen:
        each template's text for each status choice (with its placeholders filled), and the
        template each status picks. Shown with `json_script`, so escaped."""
        field: Any = self.fields["status"]
        texts: dict[str, dict[str, str]] = {}
        picks: dict[str, str] = {}
        for value, _label in field.choices:
            if not value:
                status, named = "", None
            elif self.named:
                named = self.named[int(value)]
                status = named.base_status
            else:
                status, named = str(value), None
            texts[str(value)] = {
                str(pk): self.template_text(template, status, named)
                for pk, template in self.templates.items()
            }
            picked = self.template_for(status, named) if value else None
            if picked is not None:
                picks[str(value)] = str(picked.pk)
        return {"texts": texts, "picks": picks}


class StatusForm(StatusChoiceForm):
    """Moves the case between open statuses, or reopens it; closing is `CloseForm`."""

    prefix = "status"
    message = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"max_length": _("The update must be 5,000 characters or fewer")},
    )

    def initial_status(self) -> dict[str, Any]:
        case = self.case
        if self.named:
            if case.named_status_id in self.named and case.status_name:
                return {"status": str(case.named_status_id)}
            return {}
        if case.status in STATUS_FORM_STATUSES:
            return {"status": case.status}
        return {}


class NoteForm(CaseActionForm):
    prefix = "note"
    body = forms.CharField(
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Enter a note"),
            "max_length": _("The note must be 5,000 characters or fewer"),
        },
    )


class PublicUpdateForm(CaseActionForm):
    prefix = "update"
    body = forms.CharField(
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Enter an update"),
            "max_length": _("The update must be 5,000 characters or fewer"),
        },
    )


class TransferForm(CaseActionForm):
    prefix = "transfer"
    team = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        error_messages={
            "required": _("Select the team to transfer the case to"),
            "invalid_choice": _("Select the team to transfer the case to"),
        },
    )
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Enter a reason for the transfer"),
            "max_length": _("The reason must be 2,000 characters or fewer"),
        },
    )

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        for team in teams:
            groups.setdefault(team.organisation.name, []).append((team.pk, team.name))
        choice: Any = self.fields["team"]
        choice.choices = [("", _("Select a team")), *groups.items()]
        self.teams = {team.pk: team for team in teams}

    def chosen_team(self) -> Team:
        return self.teams[self.cleaned_data["team"]]


class CloseForm(StatusChoiceForm):
    """Closes the case with a closed status, what was done, and a photo of the fix (shown to
    the public on a public report)."""

    prefix = "close"
    closing = True
    text_field = "resolution"
    status_message = _("Select how the case was closed")

    resolution = forms.CharField(
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Enter what was done"),
            "max_length": _("The resolution must be 5,000 characters or fewer"),
        },
    )
    photo = PhotoField()

    def initial_status(self) -> dict[str, Any]:
        if self.named:
            fixed = [pk for pk, named in self.named.items() if named.base_status == Status.FIXED]
            return {"status": str(fixed[0])} if fixed else {}
        return {"status": Status.FIXED.value}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.case.is_open:
            raise forms.ValidationError(_("This case is already closed"))
        return cleaned


class DuplicateForm(CaseActionForm):
    prefix = "duplicate"
    original = forms.CharField(
        max_length=30,
        error_messages={"required": _("Enter the reference of the case this one duplicates")},
    )

    def __init__(self, *args: Any, candidates: QuerySet[Case] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The cases the user may view, in the same organisation.
        self.candidates = candidates

    def clean_original(self) -> Case:
        reference = reference_normalise(self.cleaned_data["original"])
        if reference is None:
            raise forms.ValidationError(_("Enter a case reference, like CDC-4827-3915"))
        original = None
        if self.candidates is not None:
            original = (
                self.candidates.filter(
                    reference=reference, organisation_id=self.case.organisation_id
                )
                .select_related("organisation")
                .first()
            )
        if original is None:
            raise forms.ValidationError(
                f"Enter the reference of a case of {self.case.organisation.name}"
            )
        return original


class RequestInformationForm(CaseActionForm):
    prefix = "information"
    question = forms.CharField(
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Enter what you need to know from the resident"),
            "max_length": _("The question must be 5,000 characters or fewer"),
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.case.is_open:
            raise forms.ValidationError(_("This case is closed"))
        return cleaned


class ResidentReplyForm(CaseActionForm):
    """A reply the resident gave by phone, letter, email or in person, typed in by staff."""

    prefix = "reply"
    channel = forms.ChoiceField(
        choices=[("", _("Select how they replied")), *[(c.value, c.label) for c in REPLY_CHANNELS]],
        error_messages={
            "required": _("Select how the resident replied"),
            "invalid_choice": _("Select how the resident replied"),
        },
    )
    body = forms.CharField(
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Enter the resident's reply"),
            "max_length": _("The reply must be 5,000 characters or fewer"),
        },
    )


# -- Contacts that needed no case ------------------------------------------------------------

# The channels an advisor takes a contact on (web and app contacts are logged by themselves).
CONTACT_CHANNELS = [
    Channel.PHONE,
    Channel.FACE_TO_FACE,
    Channel.LETTER,
    Channel.EMAIL,
    Channel.WEBCHAT,
    Channel.KIOSK,
]
# A contact that made a case is logged by the case; the rest are chosen here.
CONTACT_OUTCOMES = [outcome for outcome in Outcome if outcome != Outcome.CASE_CREATED]
YES_NO = [("yes", "Yes"), ("no", "No")]


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *, message: str, **kwargs: Any) -> None:
        super().__init__(
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            empty_value=None,
            error_messages={"required": message, "invalid_choice": message},
            **kwargs,
        )


class ContactLogForm(GovukForm):
    organisation = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        error_messages={
            "required": _("Select the council you took the contact for"),
            "invalid_choice": _("Select the council you took the contact for"),
        },
    )
    channel = forms.ChoiceField(
        choices=[(c.value, c.label) for c in CONTACT_CHANNELS],
        error_messages={
            "required": _("Select how the resident got in touch"),
            "invalid_choice": _("Select how the resident got in touch"),
        },
    )
    service = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Select a service from the list")},
    )
    outcome = forms.ChoiceField(
        choices=[(o.value, o.label) for o in CONTACT_OUTCOMES],
        error_messages={
            "required": _("Select the outcome of the contact"),
            "invalid_choice": _("Select the outcome of the contact"),
        },
    )
    avoidable = YesNoField(message="Select yes if the contact could have been avoided")
    resolved = YesNoField(message="Select yes if the contact was resolved there and then")
    notes = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": _("Notes must be 2,000 characters or fewer")},
    )
    # A hidden key made when the form is first shown and kept when it comes back with errors:
    # sending the same form twice (a double click, a resend) logs one contact.
    key = forms.CharField(
        required=False,
        max_length=40,
        widget=forms.HiddenInput(),
        error_messages={"max_length": _("Try logging the contact again")},
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        services: list[Service],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["key"] = secrets.token_urlsafe(16)
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        self.services = {service.pk: service for service in services}
        organisation_choice: Any = self.fields["organisation"]
        organisation_choice.choices = [
            ("", "Select a council"),
            *((o.pk, o.name) for o in organisations),
        ]
        if len(organisations) == 1:
            # Nothing to choose: the field is not shown.
            self.fields["organisation"].widget = forms.HiddenInput()
            self.initial["organisation"] = organisations[0].pk
        groups: dict[str, list[tuple[int, str]]] = {}
        for service in services:
            groups.setdefault(service.organisation.name, []).append((service.pk, service.name))
        service_choice: Any = self.fields["service"]
        if len(organisations) == 1:
            service_choice.choices = [
                ("", "No particular service"),
                *((s.pk, s.name) for s in services),
            ]
        else:
            service_choice.choices = [("", "No particular service"), *groups.items()]

    @property
    def chooses_organisation(self) -> bool:
        return len(self.organisations) > 1

    def clean_organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]

    def clean_service(self) -> Service | None:
        pk = self.cleaned_data.get("service")
        return self.services[pk] if pk is not None else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation, service = cleaned.get("organisation"), cleaned.get("service")
        if (
            organisation is not None
            and service is not None
            and service.organisation_id != organisation.pk
        ):
            self.add_error("service", f"Select a service of {organisation.name}")
        return cleaned


# -- The audit trail -------------------------------------------------------------------------


class AuditSearchForm(GovukForm):
    email = forms.CharField(required=False, max_length=254, strip=True)
    reference = forms.CharField(required=False, max_length=30, strip=True)
    date_from = DateField(name="From")
    date_to = DateField(name="To")

    def clean_reference(self) -> str:
        text = self.cleaned_data.get("reference") or ""
        if not text:
            return ""
        reference = reference_normalise(text)
        if reference is None:
            raise forms.ValidationError(_("Enter a case reference, like CDC-4827-3915"))
        return reference

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("To must be the same as or after from"))
        return cleaned


# -- Two-factor authentication ---------------------------------------------------------------


class CodeForm(GovukForm):
    code = forms.CharField(
        max_length=20,
        strip=True,
        error_messages={"required": CodeError.MISSING.value},
    )

    def clean_code(self) -> str:
        try:
            return code_clean(self.cleaned_data["code"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
