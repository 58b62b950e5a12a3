"""The `borough` command: a thin wrapper over Django's manage.py.

borough serve [--host H] [--port P] [--no-worker]
borough worker
borough demo [--reset]
borough import gazetteer FILE.csv
borough manage <any Django management command>
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "borough.settings")
    from django.core.management import execute_from_command_line

    if args and args[0] == "manage":
        args = args[1:]
    execute_from_command_line(["borough", *args])


if __name__ == "__main__":
    main()
