"""Staff pages: sign in, queues, the case page and its actions.

Views parse, authorise and call a service; the case is only ever fetched through
`cases.selectors.case_for_staff` (which audits the read) and permission is asked of
`core.permissions`. Every action is its own POST that carries the case version, so a stale
edit is refused, and ends in a redirect back to the case (POST/redirect/GET).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from borough.accounts.models import User
from borough.accounts.signin import SignInOutcome, sign_in_attempt
from borough.backoffice.access import safe_next, staff_view
from borough.backoffice.audit import (
    CASE_LIST,
    CASE_SEARCH,
    AuditOutcome,
    audit_case_action,
    audit_rows_shown,
)
from borough.backoffice.forms import (
    USE_TEMPLATE,
    AssignForm,
    BulkAssignForm,
    CaseActionForm,
    CaseFilterForm,
    CloseForm,
    DuplicateForm,
    NoteForm,
    PublicUpdateForm,
    RequestInformationForm,
    ResidentReplyForm,
    SignInForm,
    StatusChoiceForm,
    StatusForm,
    TransferForm,
    add_service_errors,
)
from borough.backoffice.location import case_location
from borough.backoffice.selectors import (
    audit_entries_for_case,
    case_contacts_for_staff,
    filter_services,
    filter_wards,
    staff_of_organisations,
    transfer_teams,
)
from borough.backoffice.timeline import case_timeline
from borough.cases.images import attachment_file
from borough.cases.models import Case, EventKind, Status
from borough.cases.selectors import (
    Queue,
    case_events_after,
    case_for_staff,
    case_list_for_staff,
    case_others_for_staff,
    cases_visible_to_staff,
)
from borough.cases.services import (
    CaseError,
    CaseInvalid,
    CaseStale,
    attachment_add,
    case_assign,
    case_close,
    case_mark_duplicate,
    case_note_add,
    case_public_update,
    case_status_change,
    case_transfer,
)
from borough.catalogue.forms import answers_summary
from borough.catalogue.selectors import case_statuses_for, response_templates_for
from borough.core.permissions import Action, actions_for, can, can_anywhere, roles_for
from borough.core.services import audit_record
from borough.core.tenancy import staff_organisations, staff_roles

PAGE_SIZE = 50

# (queue, the last part of its URL, tab label, page heading)
QUEUES = [
    (Queue.MINE, "mine", "Mine", "Your cases"),
    (Queue.TEAM, "team", "Team", "Your teams' cases"),
    (Queue.UNASSIGNED, "unassigned", "Unassigned", "Unassigned cases"),
    (Queue.DUE_SOON, "due-soon", "Due soon", "Cases due soon"),
    (Queue.OVERDUE, "overdue", "Overdue", "Overdue cases"),
    (Queue.ALL, "all", "All", "All cases"),
]
QUEUE_BY_SLUG = {slug: (queue, label, heading) for queue, slug, label, heading in QUEUES}

# Images a browser may show inline; anything else is downloaded.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# -- Signing in and out ---------------------------------------------------------------------


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    default = reverse("backoffice:queues")
    target = safe_next(request, request.POST.get("next") or request.GET.get("next"), default)
    status = 200
    if request.method == "POST":
        form = SignInForm(request.POST)
        if form.is_valid():
            # With the residents' lock-out and rate limiting (accounts.signin).
            result = sign_in_attempt(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
            if result.ok and result.user is not None:
                # login() rotates the session key and the CSRF token.
                login(request, result.user)
                return redirect(target)
            # The same message whether the email or the password was wrong.
            form.add_error("email", result.message)
            status = 429 if result.outcome == SignInOutcome.LOCKED else 400
        else:
            status = 400
    else:
        form = SignInForm()
    response = render(
        request,
        "backoffice/sign_in.html",
        {"form": form, "errors": form.error_list(), "next": target if target != default else ""},
        status=status,
    )
    add_never_cache_headers(response)
    return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You have signed out"))
    return redirect("backoffice:sign_in")


# -- Queues ---------------------------------------------------------------------------------


def page_items(current: int, last: int) -> list[int | None]:
    """Page numbers for GOV.UK pagination: the first, the last, the current and its
    neighbours, with None where pages are left out."""
    wanted = {1, last, current - 1, current, current + 1}
    items: list[int | None] = []
    previous = 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number - previous > 1:
            items.append(None)
        items.append(number)
        previous = number
    return items


def _bulk_assign(request: HttpRequest, form: BulkAssignForm) -> HttpResponse | None:
    """Assign every ticked case in one transaction; None when the form has errors."""
    user = _user(request)
    references = form.cleaned_data["cases"]
    cases = list(
        cases_visible_to_staff(user=user)
        .filter(reference__in=references)
        .select_related("organisation")
    )
    if len(cases) != len(references):
        raise Http404("No case found")
    roles: dict[int, set[str]] = {}
    for case in cases:
        if case.organisation_id not in roles:
            roles[case.organisation_id] = staff_roles(user, case.organisation)
        if not can(user, Action.BULK_ASSIGN, case, roles=roles[case.organisation_id]):
            raise PermissionDenied
    assignee = form.chosen_assignee()
    try:
        with transaction.atomic():
            for case in cases:
                # Assigning to whoever has it already is a no-op: a double submission is safe.
                last_event = case.events.order_by("-id").values_list("id", flat=True).first() or 0
                case_assign(case=case, assignee=assignee, actor=user)
                audit_case_action(
                    actor=user,
                    case=case,
                    action="case.bulk_assign",
                    outcome=AuditOutcome.DONE,
                    events=case_events_after(case=case, after_id=last_event),
                )
    except CaseError as exc:
        form.add_error("assignee", exc.message)
        return None
    count = len(cases)
    messages.success(
        request,
        f"{count} case{'s' if count != 1 else ''} assigned to {assignee.full_name or assignee.email}",
    )
    return redirect(request.get_full_path())


@staff_view
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest, slug: str = "team") -> HttpResponse:
    if slug not in QUEUE_BY_SLUG:
        raise Http404("No such queue")
    queue_name, _label, heading = QUEUE_BY_SLUG[slug]
    user = _user(request)

    may_bulk_assign = can_anywhere(user, Action.BULK_ASSIGN)
    bulk_form: BulkAssignForm | None = None
    status = 200
    if may_bulk_assign:
        assignees = list(
            staff_of_organisations(staff_organisations(user, roles=roles_for(Action.BULK_ASSIGN)))
        )
        bulk_form = BulkAssignForm(
            request.POST if request.method == "POST" else None, assignees=assignees
        )
    if request.method == "POST":
        if bulk_form is None:
            raise PermissionDenied
        if bulk_form.is_valid():
            done = _bulk_assign(request, bulk_form)
            if done is not None:
                return done
        status = 400

    filter_form = CaseFilterForm(
        request.GET or None,
        services=filter_services(user=user),
        wards=filter_wards(user=user),
    )
    if filter_form.is_bound and not filter_form.is_valid():
        status = 400
    filters = filter_form.filters()
    cases = case_list_for_staff(user=user, queue=queue_name, filters=filters)
    page_obj: Page[Case] = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    # The rows show titles (with addresses) and are found by residents' names and emails: each
    # row shown is a read of that case, recorded in one query.
    page_obj.object_list = list(page_obj.object_list)
    audit_rows_shown(
        actor=user,
        action=CASE_SEARCH if filters.search else CASE_LIST,
        rows=page_obj.object_list,
        detail={"queue": slug, "search": filters.search, "page": page_obj.number},
    )

    errors: list[tuple[str, str]] = []
    if bulk_form is not None and bulk_form.is_bound:
        errors += bulk_form.error_list()
    errors += filter_form.error_list()
    tabs = [
        {
            "label": label,
            "href": reverse("backoffice:queues")
            if slug_ == "team"
            else reverse("backoffice:queue", args=[slug_]),
            "current": slug_ == slug,
        }
        for _, slug_, label, _ in QUEUES
    ]
    return render(
        request,
        "backoffice/queue.html",
        {
            "heading": heading,
            "tabs": tabs,
            "filter_form": filter_form,
            "bulk_form": bulk_form,
            "page_obj": page_obj,
            "page_items": page_items(page_obj.number, page_obj.paginator.num_pages),
            "errors": errors,
            "nav": "cases",
        },
        status=status,
    )


# -- The case page --------------------------------------------------------------------------


def _case_url(case: Case) -> str:
    return reverse("backoffice:case", args=[case.reference])


def _answers(case: Case) -> list[tuple[str, str, str]]:
    form = case.service.forms.filter(version=case.form_version).first()
    if form is None:
        return [(key, key, str(value)) for key, value in case.answers.items()]
    return answers_summary(form.definition, case.answers)


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    bound: CaseActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    allowed = actions_for(user, case)

    def form(form_class: type[CaseActionForm], action: str, **kwargs: Any) -> Any:
        if action not in allowed:
            return None
        if bound is not None and type(bound) is form_class:
            return bound
        return form_class(case=case, user=user, **kwargs)

    assignees = (
        list(staff_of_organisations([case.organisation_id])) if Action.ASSIGN in allowed else []
    )
    teams = list(transfer_teams(user=user, case=case)) if Action.TRANSFER in allowed else []
    choices = (
        _status_choices(case, user)
        if {Action.CHANGE_STATUS, Action.CLOSE} & allowed
        else {"statuses": [], "templates": []}
    )
    forms = {
        "assign": form(AssignForm, Action.ASSIGN, assignees=assignees),
        "status": form(StatusForm, Action.CHANGE_STATUS, **choices),
        "note": form(NoteForm, Action.ADD_NOTE),
        "update": form(PublicUpdateForm, Action.PUBLIC_UPDATE),
        "transfer": form(TransferForm, Action.TRANSFER, teams=teams),
        "close": form(CloseForm, Action.CLOSE, **choices) if case.is_open else None,
        "duplicate": form(DuplicateForm, Action.MARK_DUPLICATE) if case.is_open else None,
        # Waiting for the resident (views in `case_action_views`).
        "information": form(RequestInformationForm, Action.CHANGE_STATUS) if case.is_open else None,
        "reply": form(ResidentReplyForm, Action.ADD_NOTE)
        if case.status == Status.WAITING
        else None,
    }
    errors = bound.error_list() if bound is not None else []
    return render(
        request,
        "backoffice/case.html",
        {
            "case": case,
            "allowed": {str(action) for action in allowed},
            "forms": forms,
            "has_actions": any(forms.values()),
            "assign_to_me": Action.ASSIGN in allowed
            and case.assignee_id != user.pk
            and any(a.pk == user.pk for a in assignees),
            "errors": errors,
            "answers": _answers(case),
            "location": case_location(case),
            "attachments": list(case.attachments.order_by("created_at", "id")),
            "others": case_others_for_staff(user=user, case=case),
            "contacts": case_contacts_for_staff(user=user, case=case),
            "timeline": case_timeline(case),
            "nav": "cases",
        },
        status=status,
    )


def _status_choices(case: Case, user: User) -> dict[str, Any]:
    """The named statuses and response templates the status and close forms offer."""
    return {
        "statuses": case_statuses_for(case=case),
        "templates": response_templates_for(case=case),
    }


@staff_view
@require_safe
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for_staff(user=_user(request), reference=reference)
    return _case_page(request, case)


# -- Actions on a case ----------------------------------------------------------------------

Perform = Callable[[Case, Any, User], tuple[str, str | None]]


def _case_action(
    request: HttpRequest,
    reference: str,
    *,
    action: Action,
    audit: str,
    form_class: type[CaseActionForm],
    perform: Perform,
    form_kwargs: Callable[[Case, User], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Authorise, parse, call the service, and redirect; or show the page with the errors.

    Every request that reaches a case the user may view writes one audit entry under `audit`
    (`case.assign`, `case.note`, ...), not `case.view`: with how it ended and the events it
    wrote (`backoffice.audit.audit_case_action`)."""
    user = _user(request)
    case = case_for_staff(user=user, reference=reference, audit=None)
    if not can(user, action, case):
        audit_case_action(actor=user, case=case, action=audit, outcome=AuditOutcome.FORBIDDEN)
        raise PermissionDenied
    kwargs = form_kwargs(case, user) if form_kwargs else {}
    if issubclass(form_class, StatusChoiceForm) and f"{form_class.prefix}-{USE_TEMPLATE}" in (
        request.POST
    ):
        # "Use template": show the form again with the template's text filled in.
        audit_case_action(actor=user, case=case, action=audit, outcome=AuditOutcome.TEMPLATE)
        filling = form_class(request.POST, case=case, user=user, fill=True, **kwargs)
        if filling.is_valid():
            return _case_page(request, case, bound=filling.refilled())
        return _case_page(request, case, bound=filling, status=400)
    form = form_class(request.POST, request.FILES, case=case, user=user, **kwargs)
    status = 400
    outcome = AuditOutcome.REFUSED
    if form.is_valid():
        last_event = case.events.order_by("-id").values_list("id", flat=True).first() or 0
        try:
            message, target = perform(case, form, user)
        except CaseStale as exc:
            form.add_error(None, _stale_message(case, user, exc.message))
            status, outcome = 409, AuditOutcome.STALE
        except CaseInvalid as exc:
            add_service_errors(form, exc.errors)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            audit_case_action(
                actor=user,
                case=case,
                action=audit,
                outcome=AuditOutcome.DONE,
                events=case_events_after(case=case, after_id=last_event),
            )
            messages.success(request, message)
            return redirect(target or _case_url(case))
    elif "version" in form.errors:
        status, outcome = 409, AuditOutcome.STALE
    audit_case_action(actor=user, case=case, action=audit, outcome=outcome)
    return _case_page(request, case, bound=form, status=status)


# A change to a case by the same person this long before a refused (stale) one is taken to be
# their own first click or send of the same form.
REPEAT_WINDOW = timedelta(minutes=2)


def _stale_message(case: Case, user: User, message: str) -> str:
    """Why an action was refused as stale. When the latest change to the case was the user's
    own a moment ago (a second click, or the form sent again after going back), say so rather
    than blame someone else: the first one was saved and nothing was done twice."""
    latest = case.events.order_by("-id").only("actor_id", "at").first()
    if (
        latest is not None
        and latest.actor_id == user.pk
        and latest.at >= timezone.now() - REPEAT_WINDOW
    ):
        return _(
            "You changed this case a moment ago and that change was saved. This form was sent "
            "again, so nothing more was changed. Check the case's history before trying again."
        )
    return message


def _name(user: User) -> str:
    return user.full_name or user.email


def _perform_assign(case: Case, form: AssignForm, user: User) -> tuple[str, str | None]:
    assignee = form.chosen_assignee()
    case_assign(
        case=case, assignee=assignee, actor=user, expected_version=form.cleaned_data["version"]
    )
    return (_("Case assigned to you") if assignee.pk == user.pk else _("Case assigned")), None


def _perform_status(case: Case, form: StatusForm, user: User) -> tuple[str, str | None]:
    was_open = case.is_open
    status, named = form.chosen_status()
    updated = case_status_change(
        case=case,
        status=status,
        named_status=named,
        actor=user,
        public_message=form.cleaned_data["message"],
        expected_version=form.cleaned_data["version"],
    )
    if not was_open:
        return _("Case reopened"), None
    return _("Status changed to %(status)s") % {"status": updated.status_text}, None


def _perform_note(case: Case, form: NoteForm, user: User) -> tuple[str, str | None]:
    case_note_add(
        case=case,
        actor=user,
        body=form.cleaned_data["body"],
        expected_version=form.cleaned_data["version"],
    )
    return _("Internal note added"), None


def _perform_update(case: Case, form: PublicUpdateForm, user: User) -> tuple[str, str | None]:
    case_public_update(
        case=case,
        actor=user,
        body=form.cleaned_data["body"],
        expected_version=form.cleaned_data["version"],
    )
    return _("Public update added"), None


def _perform_transfer(case: Case, form: TransferForm, user: User) -> tuple[str, str | None]:
    team = form.chosen_team()
    case_transfer(
        case=case,
        team=team,
        actor=user,
        reason=form.cleaned_data["reason"],
        expected_version=form.cleaned_data["version"],
    )
    message = _("Case %(reference)s transferred to %(team)s (%(organisation)s)") % {
        "reference": case.reference,
        "team": team.name,
        "organisation": team.organisation.name,
    }
    if cases_visible_to_staff(user=user).filter(pk=case.pk).exists():
        return message, None
    # Moved out of the user's sight: back to their queue.
    return message, reverse("backoffice:queues")


def _perform_close(case: Case, form: CloseForm, user: User) -> tuple[str, str | None]:
    """Close the case and, with a photo of the fix, attach it for the public to see: both or
    neither."""
    status, named = form.chosen_status()
    photo = form.cleaned_data.get("photo")
    with transaction.atomic():
        closed = case_close(
            case=case,
            actor=user,
            resolution=form.cleaned_data["resolution"],
            status=status,
            named_status=named,
            expected_version=form.cleaned_data["version"],
        )
        if photo is not None:
            try:
                attachment_add(
                    case=closed,
                    content=photo.content,
                    filename=photo.filename,
                    actor=user,
                    public=True,
                    content_type=photo.content_type,
                    width=photo.width,
                    height=photo.height,
                    event=closed.events.filter(kind=EventKind.CLOSED).order_by("-id").first(),
                )
            except CaseInvalid as refused:
                # The photo was refused: the case stays open (the transaction is undone).
                raise CaseInvalid({"photo": "; ".join(refused.errors.values())}) from None
    if photo is not None:
        return _("Case closed, with the photo of the fix"), None
    return _("Case closed"), None


def _perform_duplicate(case: Case, form: DuplicateForm, user: User) -> tuple[str, str | None]:
    original = form.cleaned_data["original"]
    case_mark_duplicate(
        case=case, original=original, actor=user, expected_version=form.cleaned_data["version"]
    )
    return _("Case marked as a duplicate of %(reference)s") % {
        "reference": original.reference
    }, None


@staff_view
@require_POST
def case_assign_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        action=Action.ASSIGN,
        audit="case.assign",
        form_class=AssignForm,
        perform=_perform_assign,
        form_kwargs=lambda case, user: {
            "assignees": list(staff_of_organisations([case.organisation_id]))
        },
    )


@staff_view
@require_POST
def case_status_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        action=Action.CHANGE_STATUS,
        audit="case.status_change",
        form_class=StatusForm,
        perform=_perform_status,
        form_kwargs=_status_choices,
    )


@staff_view
@require_POST
def case_note_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        action=Action.ADD_NOTE,
        audit="case.note",
        form_class=NoteForm,
        perform=_perform_note,
    )


@staff_view
@require_POST
def case_update_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        action=Action.PUBLIC_UPDATE,
        audit="case.public_update",
        form_class=PublicUpdateForm,
        perform=_perform_update,
    )


@staff_view
@require_POST
def case_transfer_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        action=Action.TRANSFER,
        audit="case.transfer",
        form_class=TransferForm,
        perform=_perform_transfer,
        form_kwargs=lambda case, user: {"teams": list(transfer_teams(user=user, case=case))},
    )


@staff_view
@require_POST
def case_close_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        action=Action.CLOSE,
        audit="case.close",
        form_class=CloseForm,
        perform=_perform_close,
        form_kwargs=_status_choices,
    )


@staff_view
@require_POST
def case_duplicate_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        action=Action.MARK_DUPLICATE,
        audit="case.mark_duplicate",
        form_class=DuplicateForm,
        perform=_perform_duplicate,
        form_kwargs=lambda case, user: {"candidates": cases_visible_to_staff(user=user)},
    )


# -- Files and the audit trail --------------------------------------------------------------


@staff_view
@require_safe
def case_attachment(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponseBase:
    """A file of a case (a photo's thumbnail with `?size=thumbnail`), only to staff who may
    view the case (the read is audited)."""
    user = _user(request)
    case = case_for_staff(user=user, reference=reference, audit=None)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        audit_record(actor=user, action="case.view", obj=case)
        raise Http404("No attachment found")
    audit_record(
        actor=user,
        action="case.attachment_view",
        obj=case,
        detail={"attachment": attachment.pk, "size": request.GET.get("size") or "full"},
    )
    stored, content_type = attachment_file(attachment, size=request.GET.get("size"))
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404("No attachment found") from exc
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=attachment.original_name,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_view
@require_safe
def case_audit(request: HttpRequest, reference: str) -> HttpResponse:
    """Who has opened the case or acted on it (the audit entries), and every change made to it
    on any channel (its events): for auditors and administrators. Reading it is recorded
    (`audit.case_trail`) after the entries are read, so the page never lists its own read."""
    user = _user(request)
    case = case_for_staff(user=user, reference=reference, audit=None)
    if not can(user, Action.VIEW_AUDIT, case):
        audit_record(actor=user, action="case.view", obj=case, detail={"outcome": "forbidden"})
        raise PermissionDenied
    entries = audit_entries_for_case(case)
    changes = case_timeline(case)
    audit_record(actor=user, action="audit.case_trail", obj=case)
    return render(
        request,
        "backoffice/case_audit.html",
        {"case": case, "entries": entries, "changes": changes, "nav": "cases"},
    )
