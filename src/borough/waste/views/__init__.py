"""Waste pages, one module a journey. Residents: check your bin days (postcode, then
address), the calendar feed, report a missed collection, request a container, apply for an
assisted collection, book a bulky waste collection, subscribe to garden waste. Staff: the
waste back office, the crews' pages, and an advisor booking for a caller. Contractors'
systems: the crews' webhook.

Views parse, authorise, call a selector or service and render."""
