"""Waiting for the resident: ask them for information, and record the reply they gave by
phone, letter, email or in person. Each is one POST from the case page, through the same
`_case_action` as the other actions (authorise, parse, call the service, redirect)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from borough.accounts.models import User
from borough.backoffice.access import staff_view
from borough.backoffice.forms import RequestInformationForm, ResidentReplyForm
from borough.backoffice.views import _case_action
from borough.cases.models import Case
from borough.cases.services import case_request_information, case_resident_reply
from borough.core.permissions import Action

# Asking stops the SLA clock and changes the status, so it takes `change_status`. Recording a
# reply only writes down what the resident said (advisors take the calls), so it takes
# `add_note`; it restarts the clock as the resident's reply would.
REQUEST_INFORMATION = Action.CHANGE_STATUS
RECORD_REPLY = Action.ADD_NOTE


def _perform_request(
    case: Case, form: RequestInformationForm, user: User
) -> tuple[str, str | None]:
    case_request_information(
        case=case,
        actor=user,
        question=form.cleaned_data["question"],
        expected_version=form.cleaned_data["version"],
    )
    return "Question sent to the resident. The case is waiting for their reply", None


def _perform_reply(case: Case, form: ResidentReplyForm, user: User) -> tuple[str, str | None]:
    case_resident_reply(
        case=case,
        body=form.cleaned_data["body"],
        channel=form.cleaned_data["channel"],
        staff=user,
        expected_version=form.cleaned_data["version"],
    )
    return "Reply from the resident added", None


@staff_view
@require_POST
def case_request_information_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        action=REQUEST_INFORMATION,
        audit="case.request_information",
        form_class=RequestInformationForm,
        perform=_perform_request,
    )


@staff_view
@require_POST
def case_resident_reply_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        action=RECORD_REPLY,
        audit="case.resident_reply",
        form_class=ResidentReplyForm,
        perform=_perform_reply,
    )
