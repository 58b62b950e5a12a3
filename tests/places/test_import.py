import csv
import io

import pytest
from django.core.management import CommandError, call_command

from borough.places import services
from borough.places.geo import bng_to_wgs84
from borough.places.models import AreaKind, Property, Street
from borough.places.services import (
    PlacesError,
    area_create,
    gazetteer_csv_rows,
    gazetteer_import,
)
from tests.conftest import square

HEADER = [
    "UPRN",
    "USRN",
    "SAO_TEXT",
    "PAO_TEXT",
    "STREET_DESCRIPTION",
    "LOCALITY",
    "TOWN_NAME",
    "POSTCODE",
    "X_COORDINATE",
    "Y_COORDINATE",
    "CLASS",
]


def row(uprn, paon="1", **overrides):
    values = {
        "UPRN": str(uprn),
        "USRN": "8700123",
        "SAO_TEXT": "",
        "PAO_TEXT": paon,
        "STREET_DESCRIPTION": "High West Street",
        "LOCALITY": "",
        "TOWN_NAME": "Dorchester",
        "POSTCODE": "DT1 1UZ",
        "X_COORDINATE": "369300",
        "Y_COORDINATE": "90600",
        "CLASS": "RD04",
    }
    values.update(overrides)
    return values


def write_csv(path, rows, header=HEADER):
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_text(text):
    return gazetteer_import(rows=gazetteer_csv_rows(io.StringIO(text, newline="")))


# -- The service -------------------------------------------------------------------------


def test_gazetteer_import_creates_properties_and_streets(db):
    ward = area_create(kind=AreaKind.WARD, name="Castle", boundary=square(50.714, -2.436, 0.01))
    report = gazetteer_import(
        rows=[
            row(100040000001, "10", SAO_TEXT="Flat 1", LOCALITY="Fordington"),
            row(100040000002, "12", CLASS="CR08", POSTCODE="dt11uz"),
            row(100040000003, "Town Hall", USRN="", CLASS="PP", X_COORDINATE="369500.5"),
            row(100040000004, "1", USRN="8700999", STREET_DESCRIPTION="Icen Way", CLASS=""),
        ]
    )
    assert (report.created, report.updated, report.unchanged, report.rejected) == (4, 0, 0, [])
    assert report.imported == 4

    flat = Property.objects.get(uprn="100040000001")
    assert flat.first_line == "Flat 1, 10 High West Street"
    assert (flat.locality, flat.town, flat.postcode, flat.postcode_key) == (
        "Fordington",
        "Dorchester",
        "DT1 1UZ",
        "DT11UZ",
    )
    assert (flat.easting, flat.northing) == (369_300.0, 90_600.0)
    lat, lon = bng_to_wgs84(369_300, 90_600)
    assert flat.latitude == pytest.approx(lat, abs=1e-6)
    assert flat.longitude == pytest.approx(lon, abs=1e-6)
    assert flat.ward == ward
    assert flat.classification == "residential"
    assert flat.street.usrn == "8700123"
    assert flat.street.name == "High West Street"
    assert flat.street.locality == "Fordington"

    assert Property.objects.get(uprn="100040000002").classification == "commercial"
    assert Property.objects.get(uprn="100040000002").postcode == "DT1 1UZ"
    town_hall = Property.objects.get(uprn="100040000003")
    assert (town_hall.classification, town_hall.street, town_hall.easting) == (
        "other",
        None,
        369_500.5,
    )
    # No class at all: the default, residential.
    assert Property.objects.get(uprn="100040000004").classification == "residential"
    assert set(Street.objects.values_list("usrn", "name")) == {
        ("8700123", "High West Street"),
        ("8700999", "Icen Way"),
    }


REJECTIONS = [
    (row("ABC"), "UPRN must be up to 12 digits"),
    (row("1234567890123"), "UPRN must be up to 12 digits"),
    (row("0"), "UPRN must be up to 12 digits"),
    (row(""), "missing UPRN"),
    (row(11, USRN="123456789"), "USRN must be up to 8 digits"),
    (row(12, paon=""), "missing PAO_TEXT"),
    (row(13, STREET_DESCRIPTION=" "), "missing STREET_DESCRIPTION"),
    (row(14, TOWN_NAME=""), "missing TOWN_NAME"),
    (row(15, POSTCODE="DT1"), "POSTCODE is not a real postcode"),
    (row(16, POSTCODE=""), "missing POSTCODE"),
    (row(17, X_COORDINATE="abc"), "X_COORDINATE is not a number"),
    (row(18, Y_COORDINATE="nan"), "Y_COORDINATE is not a number"),
    (row(19, X_COORDINATE=""), "missing X_COORDINATE"),
    (row(20, X_COORDINATE="-5"), "coordinates are outside Great Britain"),
    (row(21, Y_COORDINATE="1300001"), "coordinates are outside Great Britain"),
    (row(22, SAO_TEXT="x" * 101), "SAO_TEXT is longer than 100 characters"),
    (
        row(23, POSTCODE="nope", X_COORDINATE="east"),
        "POSTCODE is not a real postcode; X_COORDINATE is not a number",
    ),
]


def test_each_bad_row_is_rejected_with_its_line_and_reason(db, tmp_path):
    good = [row(1, "1"), row(2, "2")]
    rows = [good[0], *[bad for bad, _ in REJECTIONS], good[1]]
    report = gazetteer_import(rows=rows)
    # The header is line 1, the first row line 2; the bad rows are lines 3 onwards.
    assert report.rejected == [(3 + i, reason) for i, (_, reason) in enumerate(REJECTIONS)]
    assert report.created == 2
    assert set(Property.objects.values_list("uprn", flat=True)) == {"1", "2"}

    # Read from a file, the line numbers are the same.
    path = write_csv(tmp_path / "bad.csv", rows)
    Property.objects.all().delete()
    with path.open(newline="") as stream:
        from_file = gazetteer_import(rows=gazetteer_csv_rows(stream))
    assert from_file.rejected == report.rejected


def test_line_numbers_allow_for_quoted_newlines_and_blank_lines(db):
    text = (
        ",".join(HEADER) + "\n"
        '1,,,"Rose\nCottage",High West Street,,Dorchester,DT1 1UZ,369300,90600,R\n'  # lines 2-3
        "\n"  # line 4, skipped
        ",,,,,,,,,,\n"  # line 5, empty values, skipped
        "2,,,2,High West Street,,Dorchester,BAD,369300,90600,R\n"  # line 6
        "3,,,3,High West Street,,Dorchester,DT1 1UZ,369300,90600,R,extra\n"  # line 7
        "4,,,4,High West Street,,Dorchester,DT1 1UZ,369300,90600\n"  # line 8, short: fine
    )
    report = import_text(text)
    assert report.rejected == [
        (6, "POSTCODE is not a real postcode"),
        (
            7,
            "the line has 1 more value than the header has columns (is there an unquoted comma?)",
        ),
    ]
    assert report.created == 2
    assert Property.objects.get(uprn="1").paon == "Rose\nCottage"


def test_a_repeated_uprn_is_rejected_with_the_first_line(db):
    report = gazetteer_import(rows=[row(1, "1"), row(2, "2"), row("0001", "3")])
    assert report.rejected == [(4, "UPRN 1 is already on line 2")]
    assert Property.objects.get(uprn="1").paon == "1"


def test_reimporting_is_idempotent_and_updates_changed_rows(db):
    rows = [row(n, str(n)) for n in range(1, 6)]
    first = gazetteer_import(rows=rows)
    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    stamps = dict(Property.objects.values_list("uprn", "updated_at"))

    again = gazetteer_import(rows=rows)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 5, [])
    assert Property.objects.count() == 5
    assert Street.objects.count() == 1
    assert dict(Property.objects.values_list("uprn", "updated_at")) == stamps

    rows[2] = row(3, "3A", POSTCODE="DT1 1AA", X_COORDINATE="369400")
    changed = gazetteer_import(rows=rows)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 4)
    prop = Property.objects.get(uprn="3")
    assert (prop.paon, prop.postcode, prop.postcode_key, prop.easting) == (
        "3A",
        "DT1 1AA",
        "DT11AA",
        369_400.0,
    )
    assert prop.latitude == pytest.approx(bng_to_wgs84(369_400, 90_600)[0], abs=1e-6)
    assert prop.updated_at > stamps["3"]
    assert Property.objects.count() == 5


def test_a_street_is_renamed_from_the_first_row_that_gives_it(db):
    gazetteer_import(rows=[row(1)])
    report = gazetteer_import(
        rows=[row(1, STREET_DESCRIPTION="High West St"), row(2, STREET_DESCRIPTION="Other")]
    )
    assert Street.objects.get().name == "High West St"
    assert (report.updated, report.created) == (1, 1)


def test_import_works_in_batches_and_reports_progress(db, monkeypatch):
    monkeypatch.setattr(services, "_BATCH_SIZE", 3)
    # Streets cross batch boundaries; one bad row in the middle.
    rows = [row(n, str(n), USRN=str(8700000 + n % 2)) for n in range(1, 11)]
    rows[4] = row(5, POSTCODE="BAD")
    seen = []
    report = gazetteer_import(rows=rows, progress=seen.append)
    assert (report.created, report.rejected) == (9, [(6, "POSTCODE is not a real postcode")])
    assert sum(seen) == 10
    assert seen == [3, 4, 3]  # three batches of three good rows; the bad one in the second
    assert Street.objects.count() == 2
    assert Property.objects.filter(street__usrn="8700000").count() == 5
    assert Property.objects.filter(street__usrn="8700001").count() == 4  # 5 was rejected
    again = gazetteer_import(rows=rows)
    assert (again.unchanged, again.created, again.updated) == (9, 0, 0)


def test_gazetteer_csv_rows_checks_the_header():
    with pytest.raises(PlacesError, match="The file is empty"):
        gazetteer_csv_rows(io.StringIO(""))
    with pytest.raises(PlacesError, match="The file has no POSTCODE column\\."):
        gazetteer_csv_rows(io.StringIO(",".join(h for h in HEADER if h != "POSTCODE") + "\n"))
    with pytest.raises(PlacesError, match="no X_COORDINATE, Y_COORDINATE columns"):
        gazetteer_csv_rows(io.StringIO("UPRN,PAO_TEXT,STREET_DESCRIPTION,TOWN_NAME,POSTCODE\n"))
    # Column names are matched without regard to case or spaces; optional ones may be absent.
    rows = list(
        gazetteer_csv_rows(
            io.StringIO(
                " uprn ,Pao_Text,STREET_DESCRIPTION,TOWN_NAME,POSTCODE,X_COORDINATE,Y_COORDINATE\n"
                "1,2,High St,Town,DT1 1UZ,1,2\n"
            )
        )
    )
    assert rows == [
        {
            "UPRN": "1",
            "PAO_TEXT": "2",
            "STREET_DESCRIPTION": "High St",
            "TOWN_NAME": "Town",
            "POSTCODE": "DT1 1UZ",
            "X_COORDINATE": "1",
            "Y_COORDINATE": "2",
        }
    ]
    assert rows[0].line == 2


# -- The command -------------------------------------------------------------------------


def test_the_command_imports_and_reports(db, tmp_path):
    rows = [row(n, str(n)) for n in range(1, 5)]
    rows.insert(2, row(99, POSTCODE="XX"))  # line 4
    path = write_csv(tmp_path / "gazetteer.csv", rows)
    out, err = run("gazetteer", str(path))
    assert out.splitlines() == [
        "Imported 4 addresses: 4 new, 0 updated, 0 unchanged. Rejected 1 row.",
        "Line 4: POSTCODE is not a real postcode",
    ]
    assert err == ""  # no progress bar when stderr is not a terminal

    rows[0] = row(1, "1A")
    write_csv(path, rows)
    out, _ = run("gazetteer", str(path))
    assert out.splitlines()[0] == (
        "Imported 4 addresses: 0 new, 1 updated, 3 unchanged. Rejected 1 row."
    )
    assert Property.objects.count() == 4


def test_the_command_reads_other_encodings_and_a_byte_order_mark(db, tmp_path):
    path = tmp_path / "latin1.csv"
    text = ",".join(HEADER) + "\n1,,,Tŷ Gwyn,Stryd Fawr,,Pen-y-bont,CF31 1AA,290000,180000,R\n"
    path.write_bytes(text.replace("ŷ", "y").encode("utf-8-sig"))
    out, _ = run("gazetteer", str(path))
    assert out.startswith("Imported 1 address: 1 new,")

    path.write_bytes(
        (
            "\n".join(text.splitlines())
            + "\n2,,,Café,Stryd Fawr,,Pen-y-bont,CF31 1AA,290000,180000,R\n"
        )
        .replace("ŷ", "y")
        .encode("cp1252")
    )
    out, _ = run("gazetteer", str(path))
    # Read as UTF-8, the cp1252 "é" is not valid: that row is rejected, the rest imported.
    assert out.splitlines() == [
        "Imported 1 address: 0 new, 0 updated, 1 unchanged. Rejected 1 row.",
        "Line 3: the line has characters that are not in the file's encoding",
    ]
    out, _ = run("gazetteer", str(path), "--encoding", "cp1252")
    assert out.splitlines() == [
        "Imported 2 addresses: 1 new, 0 updated, 1 unchanged. Rejected 0 rows."
    ]
    assert Property.objects.get(uprn="2").paon == "Café"


def test_the_command_fails_clearly_on_a_missing_or_unusable_file(db, tmp_path):
    with pytest.raises(CommandError, match=r"There is no file .*nowhere\.csv"):
        run("gazetteer", str(tmp_path / "nowhere.csv"))
    with pytest.raises(CommandError, match="is not a file"):
        run("gazetteer", str(tmp_path))
    header_only = write_csv(tmp_path / "no-postcode.csv", [row(1)], header=HEADER[:7])
    with pytest.raises(
        CommandError,
        match=r"no-postcode\.csv: The file has no POSTCODE, X_COORDINATE, Y_COORDINATE",
    ):
        run("gazetteer", str(header_only))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="The file is empty"):
        run("gazetteer", str(empty))
    with pytest.raises(CommandError, match="Unknown encoding 'klingon'"):
        run("gazetteer", str(header_only), "--encoding", "klingon")
    assert not Property.objects.exists()


def test_the_command_needs_to_know_what_to_import():
    with pytest.raises(CommandError, match="the following arguments are required: WHAT"):
        run()
    with pytest.raises(CommandError, match="invalid choice"):
        run("rubbish", "file.csv")


def test_the_command_exits_with_status_1_on_a_missing_file(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "borough.cli", "import", "gazetteer", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "There is no file" in result.stderr


def test_rows_built_in_code_may_hold_numbers(db):
    report = gazetteer_import(
        rows=[
            row(1) | {"UPRN": 7, "USRN": 8700123, "X_COORDINATE": 369300, "Y_COORDINATE": 90600.5}
        ]
    )
    assert (report.created, report.rejected) == (1, [])
    assert Property.objects.get().northing == 90600.5
