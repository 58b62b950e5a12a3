from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from borough.notify.models import Notification, NotificationStatus
from borough.notify.services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by case events and sent by the worker."""

    list_display = [
        "created_at",
        "kind",
        "recipient_email",
        "case",
        "organisation",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["recipient_email", "case__reference", "subject"]
    list_select_related = ["case", "organisation"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = [
        "organisation",
        "case",
        "kind",
        "recipient_email",
        "recipient_user",
        "subject",
        "body_text",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "idempotency_key",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Retry")
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        retried = 0
        for notification in queryset.filter(status=NotificationStatus.FAILED):
            if notification_retry(notification=notification):
                retried += 1
        skipped = queryset.count() - retried
        if retried:
            noun = "notification" if retried == 1 else "notifications"
            self.message_user(request, f"{retried} {noun} will be sent again.", messages.SUCCESS)
        if skipped:
            noun = "notification was" if skipped == 1 else "notifications were"
            self.message_user(
                request,
                f"{skipped} {noun} not retried because only failed ones can be.",
                messages.WARNING,
            )
