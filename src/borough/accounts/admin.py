from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from borough.accounts.models import ResidentProfile, StaffMembership, User


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    raw_id_fields = ["team"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "email_verified_at")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(ResidentProfile)
class ResidentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "contact_preference", "needs_assistance"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user", "property"]
