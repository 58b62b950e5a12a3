"""The resident's front door: find a service, read its start page, answer its form, send it.

Views parse the request, check who may do what, call the journey, selectors and services,
and render. The form runner's rules (which step is next, what is complete) live in
`journey.py`; reading posted answers in `answers.py`; drawing fields in `fields.py`.

The same views serve an advisor raising a case for a caller (assisted digital): the back
office (`backoffice/assisted_views.py`) puts the session in assisted mode for one service, and
these pages then ask for "The caller's details", send on the caller's channel as the advisor,
and end assisted mode once the case is made.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from borough.accounts.models import User
from borough.accounts.signin import request_ip
from borough.backoffice.selectors import contact_organisations
from borough.cases.services import ADDRESS, LOCATION, REPORTER, CaseInvalid, Submission
from borough.catalogue.forms import (
    DEFAULT_MAX_FILES,
    answer_clean,
    answers_summary,
    question_name,
    visible_pages,
)
from borough.catalogue.models import Identity, Service
from borough.contacts.models import Channel
from borough.core import timetext
from borough.core.permissions import Action, can
from borough.portal import display, maps
from borough.portal.answers import ENTER_PLACE, ENTER_POSTCODE, place_lookup, raw_from_post
from borough.portal.fields import field_for
from borough.portal.journey import (
    ADDRESS_STEP,
    DETAILS,
    DETAILS_STEP,
    DIFFERENT,
    LOCATION_STEP,
    PLACE,
    SAME,
    SAME_STEP,
    Assisted,
    Journey,
    Step,
    assisted_end,
    assisted_get,
    assisted_sent,
    assisted_sent_remember,
    page_slug,
    submitted_reference,
    submitted_remember,
)
from borough.portal.public import report_cards
from borough.portal.reports import EMAIL_QUESTION, FOLLOW_ASKED_KEY
from borough.portal.search import MAX_QUERY_LENGTH, service_search
from borough.portal.selectors import (
    case_submitted_in_session,
    saved_journey_for_resident,
    service_for_resident,
    service_form,
    service_group_by_slug,
    service_group_list,
)
from borough.portal.services import (
    FollowOutcome,
    assisted_case_create,
    saved_journeys_expire,
    web_case_create,
    web_same_problem_join,
)
from borough.portal.uploads import UploadError, upload_delete, upload_get, upload_store

# -- Finding a service ---------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"groups": service_group_list()})


@require_GET
def group(request: HttpRequest, slug: str) -> HttpResponse:
    found = service_group_by_slug(slug)
    if found is None:
        raise Http404("No such group")
    return render(request, "portal/group.html", {"group": found})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = str(request.GET.get("q", "")).strip()[:MAX_QUERY_LENGTH]
    results = service_search(query) if query else []
    return render(
        request, "portal/search.html", {"query": query, "results": results, "searched": bool(query)}
    )


# -- A service's start page ------------------------------------------------------------------


def _service(code: str) -> Service:
    service = service_for_resident(code)
    if service is None:
        raise Http404("No such service")
    return service


def _assisted(request: HttpRequest, service: Service) -> Assisted | None:
    """The caller an advisor is raising a case for on this service, if this session is in
    assisted mode for it and the signed-in user is still that advisor and may still raise
    cases for callers (the roles that log contacts); None otherwise."""
    assisted = assisted_get(request.session)
    user = request.user
    if assisted is None or assisted.service_code != service.code:
        return None
    if not isinstance(user, User) or user.pk != assisted.staff_id:
        return None
    if not contact_organisations(user=user).exists():
        return None
    return assisted


def _caller(assisted: Assisted) -> User | None:
    """The caller's account, when the advisor found one."""
    if assisted.resident_id is None:
        return None
    return User.objects.filter(pk=assisted.resident_id, is_active=True).first()


def _resident(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _journey(request: HttpRequest, service: Service) -> Journey:
    form = service_form(service)
    if form is None:
        raise Http404("This service has no form")
    return Journey(
        session=request.session,
        service=service,
        form=form,
        signed_in=bool(request.user.is_authenticated),
        user=_resident(request),
        assisted=_assisted(request, service),
    )


def _assisted_banner(journey: Journey) -> dict[str, Any] | None:
    """What the "raising a case for a caller" banner says, in assisted mode."""
    assisted = journey.assisted
    if assisted is None:
        return None
    caller = _caller(assisted)
    return {
        "channel": Channel(assisted.channel).label.lower(),
        "caller": caller,
        "end_url": reverse("backoffice:assisted"),
    }


def _saved_elsewhere(request: HttpRequest, journey: Journey) -> bool:
    """Whether a signed-in resident has a saved form for the service that this session does
    not hold: they choose to continue it or start again (on the start page) first."""
    if journey.user is None or journey.in_session:
        return False
    return saved_journey_for_resident(user=journey.user, service=journey.service) is not None


def _step_url(service: Service, step: Step | None, *, change: bool = False, **query: str) -> str:
    if step is None:
        return reverse("portal:check", args=[service.code])
    url = reverse("portal:page", args=[service.code, step.slug])
    params = {**({"change": "1"} if change else {}), **query}
    return f"{url}?{urlencode(params)}" if params else url


def _private_when_assisted(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """In assisted mode the pages hold a caller's personal data: never cached."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if assisted_get(request.session) is not None:
            add_never_cache_headers(response)
        return response

    return wrapper


@require_GET
@_private_when_assisted
def start(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(code)
    journey = _journey(request, service)
    steps = journey.steps()
    saved = None
    if journey.user is not None and not journey.in_session:
        saved_journeys_expire(user=journey.user)
        saved = saved_journey_for_resident(user=journey.user, service=service)
    context = {
        "service": service,
        "start_url": _step_url(service, steps[0] if steps else None),
        "fee": display.fee_text(service),
        "sla": display.sla_text(service),
        "other_ways_heading": display.other_ways_heading(service),
        "needs_account": service.needs_account and journey.assisted is None,
        "needs_verified": service.needs_verified_identity,
        "saved": saved,
        "saved_at": timetext.datetime_text(saved.updated_at) if saved is not None else "",
        "noun": display.kind_noun(service),
        "assisted": _assisted_banner(journey),
    }
    response = render(request, "portal/start.html", context)
    if saved is not None:
        add_never_cache_headers(response)
    return response


CONTINUE, RESTART = "continue", "restart"


@require_POST
def resume(request: HttpRequest, code: str) -> HttpResponse:
    """A signed-in resident with a saved form chose to continue where they left off (at the
    first step still to answer, their answers kept) or to start again (the saved form is
    deleted)."""
    service = _service(code)
    journey = _journey(request, service)
    if journey.user is None:
        return redirect("portal:start", code=service.code)
    choice = str(request.POST.get("choice", ""))
    saved = saved_journey_for_resident(user=journey.user, service=service)
    if choice == CONTINUE and saved is not None:
        if not journey.in_session:
            journey.resume(saved)
        return redirect(_step_url(service, journey.first_incomplete()))
    if choice == RESTART:
        journey.clear()
        steps = journey.steps()
        return redirect(_step_url(service, steps[0] if steps else None))
    return redirect("portal:start", code=service.code)


def _identity_gate(request: HttpRequest, service: Service) -> HttpResponse | None:
    """The page to show instead of the form when the resident must sign in first.

    Residents without an account are asked to sign in or create one; identity checks are a
    later piece, so services that need a verified identity explain the other ways instead.
    """
    if service.identity == Identity.ANONYMOUS:
        return None
    if _assisted(request, service) is not None:
        # An advisor acting for a caller stands in for signing in (recorded on the case).
        return None
    if request.user.is_authenticated and service.identity == Identity.ACCOUNT:
        return None
    return render(
        request,
        "portal/sign_in.html",
        {
            "service": service,
            "signed_in": request.user.is_authenticated,
            "start_url": reverse("portal:start", args=[service.code]),
            "other_ways_heading": display.other_ways_heading(service),
        },
    )


# -- The form runner ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@_private_when_assisted
def page(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    service = _service(code)
    gate = _identity_gate(request, service)
    if gate is not None:
        return gate
    journey = _journey(request, service)
    if _saved_elsewhere(request, journey):
        return redirect("portal:start", code=service.code)
    change = request.GET.get("change") == "1"
    step = journey.step(slug)
    if step is None:
        if journey.has_page(slug) or slug in (
            LOCATION_STEP,
            ADDRESS_STEP,
            DETAILS_STEP,
            SAME_STEP,
        ):
            # A page a condition now hides, or a step this service does not use.
            return redirect(_step_url(service, journey.first_incomplete()))
        raise Http404("No such page")
    earlier = journey.first_incomplete(before=step)
    if earlier is not None:
        # Pages are answered in order: go back to the first one still to answer.
        return redirect(_step_url(service, earlier, change=change))
    if step.kind == SAME:
        return _same_problem(request, journey, step, change=change)
    if request.method == "POST":
        return _page_post(request, journey, step, change=change)
    return _page_render(request, journey, step, errors={}, change=change)


def _page_post(request: HttpRequest, journey: Journey, step: Step, *, change: bool) -> HttpResponse:
    service = journey.service
    stored = journey.raw(step)
    if "remove" in request.POST:
        _upload_remove(journey, step, str(request.POST["remove"]))
        return redirect(request.get_full_path())

    action = str(request.POST.get("action", ""))
    finding = action.removeprefix("find:") if action.startswith("find:") else ""
    values: dict[str, Any] = {
        question["id"]: raw_from_post(
            question,
            request.POST,
            stored=stored.get(question["id"]),
            finding=finding == question["id"],
        )
        for question in step.questions
    }
    upload_errors = _uploads_take(request, step, values)
    journey.store(step, values)

    if finding:
        # "Find address": show the addresses found (or why there are none), nothing else.
        errors: dict[str, str] = dict(upload_errors)
        question = next((q for q in step.questions if q["id"] == finding), None)
        if question is not None and question["type"] in ("address", "location"):
            postcode_only = question["type"] == "address"
            search_text = values[finding].get("postcode" if postcode_only else "search", "")
            _, lookup_error = place_lookup(search_text, postcode_only=postcode_only)
            if not search_text:
                lookup_error = str(ENTER_POSTCODE if postcode_only else ENTER_PLACE)
            if lookup_error:
                errors[finding] = lookup_error
        return _page_render(request, journey, step, errors=errors, change=change)

    errors = journey.errors(step)
    errors.update(upload_errors)
    if errors:
        ordered = {q["id"]: errors[q["id"]] for q in step.questions if q["id"] in errors}
        return _page_render(request, journey, step, errors=ordered, change=change)
    journey.mark_completed(step)
    following = journey.step_after(step, change=change)
    return redirect(_step_url(service, following, change=change and following is not None))


def _uploads_take(request: HttpRequest, step: Step, values: dict[str, Any]) -> dict[str, str]:
    """Keep the files posted to the step's file questions; the errors, by question id."""
    errors: dict[str, str] = {}
    for question in step.questions:
        if question.get("type") != "file":
            continue
        qid = question["id"]
        rules = question.get("validation") or {}
        most = int(rules.get("max_files", DEFAULT_MAX_FILES))
        tokens = list(values.get(qid) or [])
        files = [upload for upload in request.FILES.getlist(qid) if upload.name]
        if len(tokens) + len(files) > most:
            errors[qid] = (question.get("errors") or {}).get(
                "max_files",
                ngettext(
                    "You can only select up to %(most)d file",
                    "You can only select up to %(most)d files",
                    most,
                )
                % {"most": most},
            )
            continue
        for upload in files:
            try:
                stored = upload_store(
                    upload, accept=rules.get("accept"), max_size_mb=rules.get("max_size_mb")
                )
            except UploadError as error:
                errors[qid] = error.message
                break
            tokens.append(stored.token)
        values[qid] = tokens
    return errors


def _upload_remove(journey: Journey, step: Step, token: str) -> None:
    raw = journey.raw(step)
    for question in step.questions:
        tokens = raw.get(question["id"])
        if question.get("type") == "file" and isinstance(tokens, list) and token in tokens:
            journey.store(step, {question["id"]: [item for item in tokens if item != token]})
            upload_delete(token)


def _page_render(
    request: HttpRequest,
    journey: Journey,
    step: Step,
    *,
    errors: dict[str, str],
    change: bool,
) -> HttpResponse:
    service = journey.service
    raw = journey.raw(step)
    single = len(step.questions) == 1 and not step.page.get("title")
    size = "l" if single else ("s" if step.kind == DETAILS else "m")
    manual_for = str(request.GET.get("manual", ""))
    lookup_for = str(request.GET.get("lookup", ""))
    fields = []
    for question in step.questions:
        qid = question["id"]
        manual_mode = True if manual_for == qid else (False if lookup_for == qid else None)
        fields.append(
            field_for(
                question,
                raw.get(qid),
                errors.get(qid),
                heading=single,
                size=size,
                manual_url=_step_url(service, step, change=change, manual=qid),
                lookup_url=_step_url(service, step, change=change, lookup=qid),
                manual_mode=manual_mode,
                needs_uprn=step.kind == PLACE,
                other_ways=service.other_ways,
            )
        )
    for item in fields:
        if item.kind == "location":
            item.map = maps.pin_map(
                field_id=item.id,
                service=service,
                centre=item.centre,
                pin=item.pin,
                has_uprn="uprn" in item.parts,
            )
    context = {
        "service": service,
        "step": step,
        "title": step.title,
        "single": single,
        "fields": fields,
        "errors": [
            (message, f"#{field.target}") for field in fields if (message := errors.get(field.id))
        ],
        "back_url": _back_url(journey, step, change=change),
        "multipart": any(question.get("type") == "file" for question in step.questions),
        "button": gettext("Continue"),
        "has_map": any(item.map is not None for item in fields),
        "assisted": _assisted_banner(journey),
    }
    return render(request, "portal/page.html", context)


def _back_url(journey: Journey, step: Step, *, change: bool) -> str:
    service = journey.service
    previous = journey.step_before(step)
    if change:
        return reverse("portal:check", args=[service.code])
    if previous is not None:
        return _step_url(service, previous)
    return reverse("portal:start", args=[service.code])


# -- "Is this the same problem?" ----------------------------------------------------------------


def _same_problem(
    request: HttpRequest, journey: Journey, step: Step, *, change: bool
) -> HttpResponse:
    """Open public reports of the same service near the location: the resident says one is
    their problem (and follows it), or that theirs is a different one (and carries on)."""
    service = journey.service
    errors: dict[str, str] = {}
    if request.method == "POST":
        journey.store(step, {"same": str(request.POST.get("same", ""))[:40]})
        errors = journey.errors(step)
        if not errors:
            if journey.state.same.get("same") == DIFFERENT:
                journey.mark_completed(step)
                following = journey.step_after(step, change=change)
                return redirect(
                    _step_url(service, following, change=change and following is not None)
                )
            return redirect("portal:same_problem_follow", code=service.code)
    chosen = str(journey.state.same.get("same") or "")
    point = journey.point()
    context = {
        "service": service,
        "cards": report_cards(journey.nearby(), point=point),
        "chosen": chosen,
        "different": DIFFERENT,
        "error": errors.get("same", ""),
        "errors": [(errors["same"], "#same")] if errors.get("same") else [],
        "back_url": _back_url(journey, step, change=change),
        "noun": display.kind_noun(service),
        "assisted": _assisted_banner(journey),
    }
    return render(request, "portal/same_problem.html", context)


FOLLOWING_KEY = "portal.following"


def _following_remember(request: HttpRequest, reference: str) -> None:
    following = request.session.get(FOLLOWING_KEY)
    following = [str(item) for item in following] if isinstance(following, list) else []
    if reference not in following:
        following.append(reference)
    request.session[FOLLOWING_KEY] = following[-20:]


def _follow_asked_remember(request: HttpRequest, reference: str) -> None:
    """This browser asked to follow `reference` by an address that must confirm first."""
    asked = request.session.get(FOLLOW_ASKED_KEY)
    asked = [str(item) for item in asked] if isinstance(asked, list) else []
    request.session[FOLLOW_ASKED_KEY] = [*asked, reference][-20:]


def _following_here(request: HttpRequest, reference: str) -> bool:
    following = request.session.get(FOLLOWING_KEY)
    return isinstance(following, list) and reference in following


@require_http_methods(["GET", "POST"])
@_private_when_assisted
def same_problem_follow(request: HttpRequest, code: str) -> HttpResponse:
    """Follow the report the resident said is their problem: only an email address is asked
    for (filled in for a signed-in resident). No new case is made."""
    service = _service(code)
    gate = _identity_gate(request, service)
    if gate is not None:
        return gate
    journey = _journey(request, service)
    same_step = journey.step(SAME_STEP)
    reference = journey.same_problem()
    if same_step is None or reference is None or journey.first_incomplete(before=same_step):
        posted = str(request.POST.get("reference", "")) if request.method == "POST" else ""
        if posted and _following_here(request, posted):
            # Sent already (a double click, a refresh): the same confirmation.
            return redirect("portal:following", code=service.code, reference=posted)
        return redirect(_step_url(service, journey.first_incomplete()))
    near = next(item for item in journey.nearby() if item.case.reference == reference)
    assisted = journey.assisted
    # In assisted mode the follower is the caller (their account, if found), not the advisor.
    user = _caller(assisted) if assisted is not None else _resident(request)
    email = str(journey.state.details.get("email") or getattr(user, "email", "") or "")
    error = ""
    if request.method == "POST":
        email = str(request.POST.get("email", "")).replace("\x00", "")[:254]
        cleaned, message = answer_clean(EMAIL_QUESTION, email)
        error = message or ""
        if not error:
            try:
                outcome = web_same_problem_join(
                    case=near.case,
                    email=str(cleaned),
                    user=user,
                    channel=assisted.channel if assisted is not None else Channel.WEB,
                    staff=_resident(request) if assisted is not None else None,
                    ip=request_ip(request),
                )
            except CaseInvalid as refused:
                error = refused.errors.get("email", refused.message)
            else:
                _following_remember(request, reference)
                if outcome == FollowOutcome.CONFIRM:
                    _follow_asked_remember(request, reference)
                journey.clear()
                return redirect("portal:following", code=service.code, reference=reference)
    context = {
        "service": service,
        "reference": reference,
        "card": report_cards([near], point=journey.point())[0],
        "email": email,
        "error": error,
        "errors": [(error, "#email")] if error else [],
        "back_url": _step_url(service, same_step),
        "assisted": _assisted_banner(journey),
    }
    return render(request, "portal/same_problem_follow.html", context)


@require_GET
def following(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """The "now following" confirmation: only for the browser that asked to follow it."""
    service = _service(code)
    if not _following_here(request, reference):
        raise Http404("Not followed from this browser")
    asked = request.session.get(FOLLOW_ASKED_KEY)
    context = {
        "service": service,
        "reference": reference,
        "confirm": isinstance(asked, list) and reference in asked,
    }
    return render(request, "portal/following.html", context)


# -- Check your answers, sending, confirmation ----------------------------------------------------


@require_http_methods(["GET", "POST"])
@_private_when_assisted
def check(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(code)
    gate = _identity_gate(request, service)
    if gate is not None:
        return gate
    journey = _journey(request, service)
    if _saved_elsewhere(request, journey):
        return redirect("portal:start", code=service.code)
    posted_key = str(request.POST.get("key", "")) if request.method == "POST" else ""
    if posted_key:
        sent = submitted_reference(request.session, posted_key)
        if sent is not None and sent[0] == service.code:
            # Sent already (a double click, a refresh, the back button): the same case.
            return redirect("portal:done", code=service.code, reference=sent[1])
    incomplete = journey.first_incomplete()
    if incomplete is not None:
        return redirect(_step_url(service, incomplete, change=journey.started))
    if request.method == "POST":
        if not posted_key or posted_key != journey.state.key:
            return redirect("portal:check", code=service.code)
        return _send(request, journey, posted_key)
    journey.idempotency_key()
    return _check_render(request, journey, errors={})


def _send(request: HttpRequest, journey: Journey, key: str) -> HttpResponse:
    service = journey.service
    cleaned, _ = journey.cleaned()
    place = journey.place()
    details = journey.details()
    assisted = journey.assisted
    staff = _resident(request) if assisted is not None else None
    user = _caller(assisted) if assisted is not None else _resident(request)
    submission = Submission(
        service=service,
        channel=assisted.channel if assisted is not None else Channel.WEB,
        answers=dict(journey.state.answers),
        resident=user,
        staff=staff,
        reporter_name=str(details.get("name", "")),
        reporter_email=str(details.get("email", "")),
        reporter_phone=str(details.get("phone", "")),
        show_name_publicly=service.public_cases and "yes" in (details.get("show_name") or []),
        latitude=place.get("latitude"),
        longitude=place.get("longitude"),
        uprn=place.get("uprn") if service.needs_property else None,
        idempotency_key=key,
        form_version=journey.form.version,
    )
    tokens = [
        token
        for question in _visible_questions(journey)
        if question.get("type") == "file"
        for token in (cleaned.get(question["id"]) or [])
    ]
    try:
        if assisted is not None:
            case = assisted_case_create(submission=submission, upload_tokens=tokens)
        else:
            case = web_case_create(submission=submission, upload_tokens=tokens)
    except CaseInvalid as refused:
        return _check_render(request, journey, errors=refused.errors)
    submitted_remember(request.session, key=key, code=service.code, reference=case.reference)
    journey.clear()
    if assisted is not None:
        # One caller, one case: the browser is the advisor's own again.
        assisted_sent_remember(request.session, case.reference)
        assisted_end(request.session)
    return redirect("portal:done", code=service.code, reference=case.reference)


def _visible_questions(journey: Journey) -> list[dict[str, Any]]:
    cleaned, _ = journey.cleaned()
    return [q for page in visible_pages(journey.definition, cleaned) for q in page["questions"]]


def _check_rows(journey: Journey) -> list[dict[str, Any]]:
    """The check-your-answers rows: where, each answer, then the resident's details."""
    service = journey.service
    rows: list[dict[str, Any]] = []
    steps = journey.steps()
    for step in steps:
        if step.kind != PLACE:
            continue
        question = step.questions[0]
        place = journey.state.place
        if question["type"] == "location":
            text = str(place.get("text") or "")
            value = (
                gettext("Near %(place)s") % {"place": text}
                if text
                else f"{place.get('latitude')}, {place.get('longitude')}"
            )
            rows.append(
                _row(LOCATION, gettext("Location"), value, step, service, gettext("the location"))
            )
        else:
            rows.append(
                _row(
                    ADDRESS,
                    gettext("Address"),
                    str(place.get("text", "")),
                    step,
                    service,
                    gettext("the address"),
                )
            )

    cleaned, _ = journey.cleaned()
    texts = {qid: text for qid, _, text in answers_summary(journey.definition, cleaned)}
    for page in visible_pages(journey.definition, cleaned):
        step = Step(page_slug(page["id"]), "form", page)
        for question in page["questions"]:
            qid = question["id"]
            raw = journey.state.answers.get(qid)
            value = texts.get(qid, gettext("Not answered"))
            if question.get("type") == "file" and qid in texts:
                names = [upload.name for t in cleaned.get(qid, []) if (upload := upload_get(t))]
                value = "\n".join(names) or value
            elif question.get("type") == "location" and isinstance(raw, dict) and raw.get("text"):
                value = gettext("Near %(place)s") % {"place": raw["text"]}
            rows.append(
                _row(
                    qid,
                    str(question.get("label", "")),
                    value,
                    step,
                    service,
                    question_name(question),
                )
            )

    details_step = next((step for step in steps if step.kind == DETAILS), None)
    if details_step is not None:
        details = journey.details()
        for question in journey.details_questions():
            qid = question["id"]
            if qid == "show_name":
                shown = "yes" in (details.get("show_name") or [])
                value = gettext("Shown on the public report") if shown else gettext("Not shown")
                label = gettext("Your name on our website")
                hidden = gettext("whether your name is shown")
            else:
                label = str(question["label"]).removesuffix(" (optional)")
                value = str(details.get(qid) or gettext("Not given"))
                # "Change your telephone number": the question's own name, so "UK" keeps
                # its capitals.
                hidden = str(question.get("name") or label)
            key = REPORTER if qid == "email" else f"details-{qid}"
            rows.append(_row(key, label, value, details_step, service, hidden, section="details"))
    return rows


def _row(
    key: str,
    label: str,
    value: str,
    step: Step,
    service: Service,
    hidden: str,
    *,
    section: str = "answers",
) -> dict[str, Any]:
    return {
        "id": f"answer-{key}",
        "key": key,
        "label": label,
        "value": value,
        "change_url": _step_url(service, step, change=True),
        "hidden": hidden,
        "section": section,
        "error": None,
    }


def _check_render(
    request: HttpRequest, journey: Journey, *, errors: dict[str, str]
) -> HttpResponse:
    service = journey.service
    rows = _check_rows(journey)
    by_key = {row["key"]: row for row in rows}
    summary: list[tuple[str, str]] = []
    for key, message in errors.items():
        row = by_key.get(key)
        if row is not None:
            row["error"] = message
        summary.append((message, f"#{row['id']}" if row is not None else ""))
    context = {
        "service": service,
        "answer_rows": [row for row in rows if row["section"] == "answers"],
        "details_rows": [row for row in rows if row["section"] == "details"],
        "errors": summary,
        "key": journey.state.key,
        "noun": display.kind_noun(service),
        "back_url": _step_url(service, journey.steps()[-1]) if journey.steps() else "",
        "assisted": _assisted_banner(journey),
    }
    return render(request, "portal/check.html", context)


@require_GET
def done(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    case = case_submitted_in_session(session=request.session, code=code, reference=reference)
    if case is None:
        raise Http404("No such case for this browser")
    service = case.service
    for_caller = assisted_sent(request.session, case.reference)
    context = {
        "service": service,
        "case": case,
        "public": case.is_public and service.public_cases,
        "title": display.confirmation_title(service),
        "sla": display.sla_text(service),
        "noun": display.kind_noun(service),
        "for_caller": for_caller,
        "staff_may_view": for_caller and can(request.user, Action.VIEW_CASE, case),
    }
    response = render(request, "portal/done.html", context)
    if for_caller:
        add_never_cache_headers(response)
    return response
