"""Performance measurements printed by `make bench`. Never part of `make test`."""
