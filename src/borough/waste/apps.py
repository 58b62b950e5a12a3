from django.apps import AppConfig


class WasteConfig(AppConfig):
    name = "borough.waste"
    label = "waste"
    verbose_name = "Waste services"

    def ready(self) -> None:
        from borough.payments.purposes import purpose_register
        from borough.waste import services

        # Bulky waste bookings are confirmed (or let go) when their payment finishes.
        purpose_register(
            services.BULKY_PURPOSE,
            on_paid=services.bulky_booking_paid,
            on_failed=services.bulky_booking_unpaid,
        )
        # Container fees: the request is sent when its fee is paid.
        purpose_register(
            services.CONTAINER_PURPOSE,
            on_paid=services.container_request_paid,
            on_failed=services.container_request_unpaid,
        )
        # Garden waste subscriptions are made active (or let go) when their payment finishes.
        purpose_register(
            services.GARDEN_PURPOSE,
            on_paid=services.garden_subscription_paid,
            on_failed=services.garden_subscription_unpaid,
        )
