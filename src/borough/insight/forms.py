"""Forms for the insight pages: the dashboard filters, channel costs and channel-shift targets.

Forms only parse, with GOV.UK error messages; views authorise and the services write.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from borough.backoffice.forms import DateField, GovukForm
from borough.catalogue.models import Service
from borough.contacts.models import Channel
from borough.core.models import Organisation
from borough.insight.selectors import Grouping, InsightFilters
from borough.places.geo import wards_within

# The longest range a dashboard covers, to keep week charts readable and queries bounded.
MAX_RANGE_DAYS = 366 * 5


def months_before(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def default_range(today: date) -> tuple[date, date]:
    """The last 12 months up to today."""
    return months_before(today, 11), today


def default_baseline(date_from: date) -> tuple[date, date]:
    """The six months before the range."""
    return months_before(date_from, 6), date_from - timedelta(days=1)


class InsightFilterForm(GovukForm):
    organisation = forms.ChoiceField(
        label=_("Council"),
        error_messages={"invalid_choice": _("Select a council from the list")},
    )
    service = forms.TypedChoiceField(
        label=_("Service"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Select a service from the list")},
    )
    ward = forms.TypedChoiceField(
        label=_("Ward"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Select a ward from the list")},
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *[(c.value, c.label) for c in Channel]],
        error_messages={"invalid_choice": _("Select a channel from the list")},
    )
    date_from = DateField(name=str(_("The start date")))
    date_to = DateField(name=str(_("The end date")))
    group = forms.ChoiceField(
        required=False,
        choices=[(Grouping.MONTH.value, _("Month")), (Grouping.WEEK.value, _("Week"))],
        error_messages={"invalid_choice": _("Select month or week")},
    )
    baseline_from = DateField(name=str(_("The start of the baseline")))
    baseline_to = DateField(name=str(_("The end of the baseline")))

    def __init__(
        self, *args: Any, organisations: list[Organisation], today: date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {org.slug: org for org in organisations}
        self.today = today
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            (org.slug, org.name) for org in organisations
        ]
        services = Service.objects.filter(organisation__in=organisations).select_related(
            "organisation"
        )
        groups: dict[str, list[tuple[int, str]]] = {}
        for service in services.order_by("organisation__name", "name"):
            groups.setdefault(service.organisation.name, []).append((service.pk, service.name))
        service_choices: list[Any] = [("", _("All services"))]
        if len(organisations) > 1:
            service_choices += list(groups.items())
        else:
            service_choices += [option for options in groups.values() for option in options]
        cast(forms.ChoiceField, self.fields["service"]).choices = service_choices
        cast(forms.ChoiceField, self.fields["ward"]).choices = [
            ("", _("All wards")),
            *[(ward.pk, ward.name) for ward in wards_within(organisations)],
        ]
        self._service_orgs = dict(services.values_list("pk", "organisation__slug"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default_from, default_to = default_range(self.today)
        date_from = data.get("date_from") or default_from
        date_to = data.get("date_to") or default_to
        if "date_from" not in self.errors and "date_to" not in self.errors:
            if date_to < date_from:
                self.add_error(
                    "date_to", _("The end date must be the same as or after the start date")
                )
            elif (date_to - date_from).days > MAX_RANGE_DAYS:
                self.add_error("date_to", _("Choose a range of 5 years or less"))
        data["date_from"], data["date_to"] = date_from, date_to
        default_bfrom, default_bto = default_baseline(date_from)
        baseline_from = data.get("baseline_from") or default_bfrom
        baseline_to = data.get("baseline_to") or default_bto
        if (
            "baseline_from" not in self.errors
            and "baseline_to" not in self.errors
            and baseline_to < baseline_from
        ):
            self.add_error(
                "baseline_to",
                _("The end of the baseline must be the same as or after its start"),
            )
        data["baseline_from"], data["baseline_to"] = baseline_from, baseline_to
        service = data.get("service")
        org_slug = data.get("organisation")
        if service and org_slug and self._service_orgs.get(service) != org_slug:
            self.add_error("service", _("Select a service of the council you chose"))
        return data

    def filters(self) -> InsightFilters:
        data = self.cleaned_data
        return InsightFilters(
            organisation=self.organisations[data["organisation"]],
            date_from=data["date_from"],
            date_to=data["date_to"],
            grouping=data.get("group") or Grouping.MONTH,
            service_id=data.get("service"),
            ward_id=data.get("ward"),
            channel=data.get("channel") or "",
        )


class ChannelCostForm(GovukForm):
    channel = forms.ChoiceField(
        choices=[(c.value, c.label) for c in Channel],
        error_messages={
            "required": _("Select a channel"),
            "invalid_choice": _("Select a channel"),
        },
    )
    valid_from = DateField(name=str(_("The date the cost applies from")))
    cost = forms.CharField(
        max_length=12, error_messages={"required": _("Enter the cost of one contact")}
    )
    source = forms.CharField(
        max_length=300,
        error_messages={
            "required": _("Enter where the figure comes from"),
            "max_length": _("Source must be 300 characters or fewer"),
        },
    )

    def clean_valid_from(self) -> date:
        value = self.cleaned_data.get("valid_from")
        if value is None:
            raise forms.ValidationError(_("Enter the date the cost applies from"))
        return value

    def clean_cost(self) -> int:
        text = self.cleaned_data["cost"].strip().lstrip("£").replace(",", "")
        try:
            pounds = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                _("Enter the cost in pounds and pence, like 2.83")
            ) from None
        if pounds < 0:
            raise forms.ValidationError(_("Cost must be £0 or more"))
        if pounds != pounds.quantize(Decimal("0.01")) or pounds > Decimal("100000"):
            raise forms.ValidationError(_("Enter the cost in pounds and pence, like 2.83"))
        return int(pounds * 100)


class ChannelShiftTargetForm(GovukForm):
    percent = forms.IntegerField(
        min_value=1,
        max_value=100,
        error_messages={
            "required": _("Enter the share of contacts to be online"),
            "invalid": _("Target must be a whole number from 1 to 100"),
            "min_value": _("Target must be a whole number from 1 to 100"),
            "max_value": _("Target must be a whole number from 1 to 100"),
        },
    )
    starts_on = DateField(name=str(_("The date the target runs from")))
    due_on = DateField(name=str(_("The date the target is due")))
    note = forms.CharField(
        required=False,
        max_length=300,
        error_messages={"max_length": _("Note must be 300 characters or fewer")},
    )

    def clean_starts_on(self) -> date:
        value = self.cleaned_data.get("starts_on")
        if value is None:
            raise forms.ValidationError(_("Enter the date the target runs from"))
        return value

    def clean_due_on(self) -> date:
        value = self.cleaned_data.get("due_on")
        if value is None:
            raise forms.ValidationError(_("Enter the date the target is due"))
        return value


class RemoveForm(GovukForm):
    remove = forms.IntegerField()
