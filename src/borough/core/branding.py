"""Per-organisation branding from the database: validation, the selector and the context
processor that gives every page its `brand`.

Which organisation brands a page (see docs/branding.md):

1. `request.brand_organisation`, when a view sets it (the hook for pages of one organisation);
2. a service's pages (`portal:start`, `portal:page`, ... with a `code`): the service's owner;
3. a public report (`portal:report`): the case's organisation, only if the case is public;
4. staff pages (under /staff/): the signed-in member of staff's first organisation;
5. otherwise the deployment's default: the `BOROUGH_DEFAULT_ORGANISATION` slug, else the
   first council created.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from borough.core.models import Organisation

DEFAULT_COLOUR = "#1d70b8"
# WCAG 2.2 AA, 1.4.3: normal text needs a contrast of at least 4.5:1.
MINIMUM_CONTRAST = 4.5
LOGO_FORMATS = {"PNG", "JPEG"}
LOGO_EXTENSIONS = (".png", ".jpg", ".jpeg")
LOGO_MAX_BYTES = 1024 * 1024

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_STATIC_LOGO = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*\.(png|jpe?g)$")
_https = URLValidator(schemes=["https", "http"])


# -- Validation -----------------------------------------------------------------------------


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio between `colour` and white (1 to 21)."""
    return 1.05 / (relative_luminance(colour) + 0.05)


def colour_is_valid(colour: object) -> bool:
    """A #rrggbb colour with a contrast of at least 4.5:1 against white."""
    return (
        isinstance(colour, str)
        and bool(_HEX.match(colour))
        and contrast_with_white(colour) >= MINIMUM_CONTRAST
    )


def colour_contrast_validate(value: str) -> None:
    """Refuse a colour on which white text (or which, as text on white) is hard to read."""
    if not isinstance(value, str) or not _HEX.match(value):
        raise ValidationError(_("Enter a colour like #1d70b8"), code="colour_format")
    ratio = contrast_with_white(value)
    if ratio < MINIMUM_CONTRAST:
        raise ValidationError(
            _(
                "Choose a darker colour: %(colour)s has a contrast of %(ratio).2f:1 with white, "
                "and it must be at least 4.5:1"
            ),
            code="colour_contrast",
            params={"colour": value, "ratio": ratio},
        )


def _link_is_safe(value: str) -> bool:
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return True
    try:
        _https(value)
    except ValidationError:
        return False
    return True


def footer_link_validate(value: str) -> None:
    if value and not _link_is_safe(value):
        raise ValidationError(
            _("Enter a link that starts with https:// or with / for a page on this site"),
            code="link",
        )


def logo_url_validate(value: str) -> None:
    """A logo the deployment ships: an https URL, a path on this site, or a static path."""
    if not value:
        return
    if _STATIC_LOGO.match(value) and ".." not in value:
        return
    if _link_is_safe(value) and value.lower().split("?")[0].endswith(LOGO_EXTENSIONS):
        return
    raise ValidationError(
        _("Enter the path or address of a PNG or JPEG logo, like branding/logo.png"),
        code="logo_url",
    )


def logo_validate(value: Any) -> None:
    """An uploaded logo must be a PNG or JPEG image of at most 1 MB. SVG is refused: it can
    carry script, and Pillow cannot read it."""
    from PIL import Image, UnidentifiedImageError

    name = str(getattr(value, "name", "") or "")
    if not name.lower().endswith(LOGO_EXTENSIONS):
        raise ValidationError(_("The logo must be a PNG or JPEG"), code="logo_type")
    size = getattr(value, "size", None)
    if size is not None and size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must be smaller than 1 MB"), code="logo_size")
    handle = getattr(value, "file", value)
    try:
        handle.seek(0)
        with Image.open(handle) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("The logo must be a PNG or JPEG"), code="logo_type") from error
    finally:
        with contextlib.suppress(OSError, ValueError):
            handle.seek(0)
    if image_format not in LOGO_FORMATS:
        raise ValidationError(_("The logo must be a PNG or JPEG"), code="logo_type")


# -- Selectors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FooterLink:
    text: str
    url: str


@dataclass(frozen=True)
class Brand:
    """What the layout needs to brand a page; every value is validated again here, so a
    row edited around the model's validators cannot put anything unsafe into the page."""

    name: str
    colour: str = DEFAULT_COLOUR
    link_colour: str = DEFAULT_COLOUR
    logo_url: str = ""
    organisation_slug: str = ""
    footer_links: list[FooterLink] = field(default_factory=list)


def _safe_colour(value: str) -> str:
    return value if colour_is_valid(value) else DEFAULT_COLOUR


def _logo_url(organisation: Organisation) -> str:
    if organisation.logo:
        try:
            return str(organisation.logo.url)
        except ValueError:
            return ""
    value = organisation.logo_url
    try:
        logo_url_validate(value)
    except ValidationError:
        return ""
    if not value:
        return ""
    if value.startswith(("https://", "http://", "/")):
        return value
    return static(value)


def brand_for_organisation(organisation: Organisation | None) -> Brand:
    """The brand of `organisation`; the deployment's plain brand when None."""
    if organisation is None:
        return Brand(name=settings.SITE_NAME)
    links = []
    for text, url in (
        (_("Contact us"), organisation.contact_url),
        (_("Accessibility statement"), organisation.accessibility_url),
        (_("Privacy"), organisation.privacy_url),
    ):
        if url and _link_is_safe(url):
            links.append(FooterLink(text=str(text), url=url))
    return Brand(
        name=organisation.display_name or organisation.name,
        colour=_safe_colour(organisation.brand_colour),
        link_colour=_safe_colour(organisation.link_colour),
        logo_url=_logo_url(organisation),
        organisation_slug=organisation.slug,
        footer_links=links,
    )


def organisation_default() -> Organisation | None:
    """The deployment's own organisation: `BOROUGH_DEFAULT_ORGANISATION` (a slug) when set
    and active, else the first council created, else None."""
    from borough.core.models import COUNCIL_KINDS, Organisation

    active = Organisation.objects.filter(is_active=True)
    slug = getattr(settings, "BOROUGH_DEFAULT_ORGANISATION", "")
    if slug:
        configured = active.filter(slug=slug).first()
        if configured is not None:
            return configured
    return active.filter(kind__in=COUNCIL_KINDS).order_by("id").first()


def organisation_for_request(request: HttpRequest) -> Organisation | None:
    """The organisation that brands this page (the rules in this module's docstring)."""
    chosen = getattr(request, "brand_organisation", None)
    if chosen is not None:
        return chosen
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match is not None else {}
    namespace = match.namespace if match is not None else ""
    if namespace == "portal" and match is not None:
        if match.url_name in {"report", "report_photo"} and "reference" in kwargs:
            from borough.cases.selectors import public_cases
            from borough.core.references import reference_normalise

            reference = reference_normalise(str(kwargs["reference"]))
            case = public_cases().filter(reference=reference).first() if reference else None
            if case is not None:
                return case.organisation
        elif "code" in kwargs:
            from borough.portal.selectors import service_for_resident

            service = service_for_resident(str(kwargs["code"]))
            if service is not None:
                return service.organisation
    if request.path.startswith("/staff/"):
        from borough.core.tenancy import staff_organisations

        staff_organisation = staff_organisations(request.user).order_by("id").first()
        if staff_organisation is not None:
            return staff_organisation
    return organisation_default()


def brand_for_request(request: HttpRequest) -> Brand:
    return brand_for_organisation(organisation_for_request(request))


def brand(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `brand`, worked out only if a template uses it."""
    return {"brand": SimpleLazyObject(lambda: brand_for_request(request))}


# -- Services ---------------------------------------------------------------------------------

BRANDING_FIELDS = (
    "display_name",
    "brand_colour",
    "link_colour",
    "logo",
    "logo_url",
    "contact_url",
    "accessibility_url",
    "privacy_url",
)


def organisation_branding_update(
    *, actor: Any, organisation: Organisation, **changes: Any
) -> Organisation:
    """Change an organisation's branding. Every value is validated (colour format and
    contrast, logo type, link scheme) before anything is saved: a refused change raises
    ValidationError and changes nothing. The change is audited."""
    from django.db import transaction

    from borough.core.models import Organisation as OrganisationModel
    from borough.core.services import audit_record

    unknown = set(changes) - set(BRANDING_FIELDS)
    if unknown:
        raise TypeError(f"Not branding fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = OrganisationModel.objects.select_for_update().get(pk=organisation.pk)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor,
            action="organisation.branding_update",
            obj=locked,
            organisation=locked,
            detail={"fields": sorted(changes)},
        )
    return locked
