"""`borough import WHAT FILE`: load data from files.

    borough import gazetteer FILE.csv [--encoding utf-8]

Each kind of file has an `Importer` with its own sub-command. To add one, write a subclass
(its arguments and its `handle`, which parses, calls a service and reports) and list it in
`IMPORTERS`.
"""

from __future__ import annotations

import codecs
import csv
import sys
from pathlib import Path
from typing import Any, ClassVar, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from borough.places.services import (
    GAZETTEER_COLUMNS,
    ImportReport,
    PlacesError,
    gazetteer_csv_rows,
    gazetteer_import,
)


class Importer:
    name: ClassVar[str]
    help: ClassVar[str]

    def add_arguments(self, parser: CommandParser) -> None:
        pass

    def handle(self, command: BaseCommand, **options: Any) -> None:
        raise NotImplementedError


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _line_count(path: Path) -> int:
    count = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _stderr(command: BaseCommand) -> TextIO:
    # tqdm redraws its line with "\r"; Django's OutputWrapper would add a newline to each.
    stream: TextIO = getattr(command.stderr, "_out", sys.stderr)
    return stream


class GazetteerImporter(Importer):
    name = "gazetteer"
    help = (
        "Import properties and streets from an OS AddressBase-style CSV file with the columns "
        + ", ".join(GAZETTEER_COLUMNS)
        + ". Eastings and northings are British National Grid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv", help="the CSV file, with a header line")
        parser.add_argument(
            "--encoding", default="utf-8", help="the file's text encoding (default utf-8)"
        )

    def handle(self, command: BaseCommand, **options: Any) -> None:
        path = Path(options["file"])
        try:
            encoding = codecs.lookup(options["encoding"]).name
        except LookupError:
            raise CommandError(f"Unknown encoding {options['encoding']!r}") from None
        if encoding == "utf-8":
            encoding = "utf-8-sig"  # and skip a byte order mark, as Excel writes one
        if not path.exists():
            raise CommandError(f"There is no file {path}")
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            total = max(0, _line_count(path) - 1)
            # Bytes that are not in the encoding become U+FFFD, and their rows are rejected.
            with (
                path.open(encoding=encoding, errors="replace", newline="") as stream,
                tqdm(
                    total=total, unit=" rows", desc="Importing", file=_stderr(command), disable=None
                ) as bar,
            ):
                report = gazetteer_import(rows=gazetteer_csv_rows(stream), progress=bar.update)
        except PlacesError as error:
            raise CommandError(f"{path}: {error}") from None
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
        except csv.Error as error:
            raise CommandError(
                f"{path} is not a CSV file this can read: {error}. Rows before the problem "
                "may have been imported; fix the file and import it again."
            ) from None
        self.report(command, report)

    def report(self, command: BaseCommand, report: ImportReport) -> None:
        command.stdout.write(
            f"Imported {_plural(report.imported, 'address', 'addresses')}: "
            f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged. "
            f"Rejected {_plural(len(report.rejected), 'row', 'rows')}."
        )
        for line, reason in report.rejected:
            command.stdout.write(f"Line {line}: {reason}")


IMPORTERS: list[type[Importer]] = [GazetteerImporter]


class Command(BaseCommand):
    help = "Import data from a file: " + ", ".join(importer.name for importer in IMPORTERS)

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(
            dest="importer", metavar="WHAT", title="what to import", required=True
        )
        for importer_class in IMPORTERS:
            importer = importer_class()
            subparser = subparsers.add_parser(
                importer.name, help=importer.help, description=importer.help
            )
            importer.add_arguments(subparser)
            subparser.set_defaults(importer_instance=importer)

    def handle(self, *args: Any, **options: Any) -> None:
        importer: Importer = options.pop("importer_instance")
        importer.handle(self, **options)
