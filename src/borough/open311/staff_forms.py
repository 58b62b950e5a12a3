"""The back-office form for issuing an API key."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from borough.backoffice.forms import GovukForm, YesNoField
from borough.core.models import Organisation
from borough.open311.models import DEFAULT_RATE_LIMIT


class ApiKeyIssueForm(GovukForm):
    organisation = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        error_messages={
            "required": _("Select the organisation the key is for"),
            "invalid_choice": _("Select the organisation the key is for"),
        },
    )
    name = forms.CharField(
        max_length=100,
        error_messages={
            "required": _("Enter who will use the key"),
            "max_length": _("Name must be 100 characters or fewer"),
        },
    )
    extended_statuses = YesNoField(
        message=cast(str, _("Select yes if the client wants FixMyStreet's extended statuses"))
    )
    rate_limit = forms.IntegerField(
        min_value=1,
        max_value=100_000,
        initial=DEFAULT_RATE_LIMIT,
        error_messages={
            "required": _("Enter how many requests the key may make each minute"),
            "invalid": _("Requests each minute must be a whole number, like 120"),
            "min_value": _("Requests each minute must be between 1 and 100,000"),
            "max_value": _("Requests each minute must be between 1 and 100,000"),
        },
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        choices = [(org.pk, org.name) for org in organisations]
        field.choices = choices if len(choices) == 1 else [("", _("Select")), *choices]
        if len(organisations) == 1 and not self.is_bound:
            self.initial["organisation"] = organisations[0].pk

    @property
    def chooses_organisation(self) -> bool:
        return len(self.organisations) > 1

    def chosen_organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]
