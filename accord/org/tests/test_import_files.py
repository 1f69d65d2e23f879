"""Reading uploaded people files: formats, encodings, headers, limits and broken files."""

import io

import pytest
from openpyxl import Workbook

from accord.org.importing import ImportFileError, read_people_file

LIMITS = {"max_bytes": 5 * 1024 * 1024, "max_rows": 1000}


def read(content: bytes, filename: str = "people.csv", **limits):
    return read_people_file(content, filename, **{**LIMITS, **limits})


def refused(content: bytes, filename: str = "people.csv", **limits) -> str:
    with pytest.raises(ImportFileError) as error:
        read(content, filename, **limits)
    return error.value.message


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CSV = "name,email,title\nAda Lovelace,ada@example.com,Analyst\nÉmile Zola,emile@example.com,\n"


def test_reads_utf8_csv_with_row_numbers():
    parsed = read(CSV.encode())
    assert parsed.file_format == "csv"
    assert parsed.columns == ("name", "email", "title")
    assert [(r.number, r.values["name"]) for r in parsed.rows] == [
        (2, "Ada Lovelace"),
        (3, "Émile Zola"),
    ]


@pytest.mark.parametrize(
    "content",
    [
        CSV.encode("utf-8-sig"),
        CSV.encode("utf-16"),  # with a byte-order mark
        "\ufeff".encode("utf-16-be") + CSV.encode("utf-16-be"),
    ],
    ids=["utf8-bom", "utf16-le-bom", "utf16-be-bom"],
)
def test_accepts_utf8_bom_and_utf16_with_bom(content):
    parsed = read(content)
    assert parsed.rows[1].values["name"] == "Émile Zola"
    assert parsed.columns == ("name", "email", "title")


def test_latin1_file_is_refused_with_how_to_save_as_utf8():
    message = refused(CSV.encode("latin-1"))
    assert "The file is not UTF-8 text" in message
    assert "line 3" in message
    assert "CSV UTF-8" in message


def test_semicolon_and_tab_separated_files_are_read():
    for separator in (";", "\t"):
        text = CSV.replace(",", separator)
        assert read(text.encode()).rows[0].values["email"] == "ada@example.com"


def test_headers_ignore_case_spaces_and_accept_synonyms():
    parsed = read(
        b"Full Name, E-mail ,Job Title,LEVEL,Department,Manager_Email,Time Zone,Notes\n"
        b"Ada,ada@example.com,Analyst,3,Sales,,Europe/Paris,hello\n"
    )
    assert parsed.columns == (
        "name",
        "email",
        "title",
        "seniority",
        "function",
        "manager_email",
        "timezone",
    )
    assert parsed.ignored_columns == ("Notes",)
    assert parsed.rows[0].values["manager_email"] == ""


def test_missing_required_columns_are_named():
    message = refused(b"full name,title\nAda,Analyst\n")
    assert "The file has no email column" in message
    assert "Required columns: name, email" in message
    assert "found “full name”, “title”" in message
    assert "no name and no email" in refused(b"title\nAnalyst\n")


def test_two_columns_meaning_the_same_field_are_refused():
    message = refused(b"name,email,e-mail\nAda,a@example.com,b@example.com\n")
    assert "“email” and “e-mail” both mean email" in message


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b",,,\n,,\n"])
def test_empty_file_is_refused(content):
    assert "The file is empty" in refused(content)


def test_header_without_rows_is_refused():
    assert "no people under it" in refused(b"name,email\n\n,\n")


def test_blank_lines_are_skipped_but_row_numbers_stay_true():
    parsed = read(b"name,email\n\nAda,ada@example.com\n,\nBob,bob@example.com\n")
    assert [r.number for r in parsed.rows] == [3, 5]


def test_malformed_csv_is_refused_with_the_row():
    message = refused(b'name,email\nAda,ada@example.com\n"Bob,bob@example.com\n')
    assert "The CSV file is malformed at row 3" in message


def test_row_with_extra_cells_is_flagged_for_that_row_only():
    parsed = read(b"name,email\nAda,ada@example.com,extra\nBob,bob@example.com,\n")
    assert "check for an unquoted comma" in parsed.rows[0].problems[0]
    assert parsed.rows[1].problems == ()


def test_short_rows_get_empty_cells():
    parsed = read(b"name,email,title\nAda,ada@example.com\n")
    assert parsed.rows[0].values["title"] == ""


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("people.pdf", b"%PDF-1.4 ..."),
        ("photo.png", b"\x89PNG\r\n\x1a\n"),
        ("people.json", b'{"name": "Ada"}'),
    ],
)
def test_other_file_types_are_refused(filename, content):
    assert "is not a CSV or .xlsx file" in refused(content, filename)


def test_old_xls_or_encrypted_workbooks_are_refused_with_advice():
    message = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "people.xls")
    assert "old Excel (.xls) file or a password-protected workbook" in message


def test_binary_data_in_a_csv_is_refused():
    assert "binary data" in refused(b"name,email\nAda\x00,ada@example.com\n")


def test_reads_xlsx_with_numbers_and_blank_cells():
    parsed = read(
        xlsx(
            [
                ["Name", "Email", "Seniority", "Title"],
                ["Ada", "ada@example.com", 3, None],
                [None, None, None, None],
                ["Bob", "bob@example.com", 2.0, "Analyst"],
            ]
        ),
        "people.xlsx",
    )
    assert parsed.file_format == "xlsx"
    assert [r.number for r in parsed.rows] == [2, 4]
    assert parsed.rows[0].values == {
        "name": "Ada",
        "email": "ada@example.com",
        "seniority": "3",
        "title": "",
    }
    assert parsed.rows[1].values["seniority"] == "2"


def test_xlsx_is_recognized_by_content_whatever_the_name():
    parsed = read(xlsx([["name", "email"], ["Ada", "ada@example.com"]]), "export")
    assert parsed.file_format == "xlsx"


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 this is not really a zip", b"not a zip at all", b"PK\x03\x04" + b"\x00" * 300],
)
def test_corrupt_xlsx_is_refused(content):
    assert "The .xlsx file could not be read" in refused(content, "people.xlsx")


def test_xlsx_truncated_in_the_middle_is_refused():
    content = xlsx([["name", "email"], *[[f"P{i}", f"p{i}@example.com"] for i in range(50)]])
    assert "could not be read" in refused(content[: len(content) // 2], "people.xlsx")


def test_file_over_the_size_limit_is_refused_in_megabytes():
    message = refused(CSV.encode() * 1000, max_bytes=2 * 1024 * 1024 // 100)
    assert "The file is 0.081 MB; the limit is 0.02 MB" in message
    big = refused(b"x" * (3 * 1024 * 1024), max_bytes=2 * 1024 * 1024)
    assert "The file is 3 MB; the limit is 2 MB" in big


def test_file_over_the_row_limit_is_refused():
    content = ("name,email\n" + "".join(f"P{i},p{i}@example.com\n" for i in range(11))).encode()
    assert "more than 10 people; the limit is 10 rows" in refused(content, max_rows=10)
    assert len(read(content, max_rows=11).rows) == 11


def test_formula_escaped_cells_are_unescaped():
    parsed = read(b"name,email,title\n'=Ada,ada@example.com,'-lead\n")
    assert parsed.rows[0].values["name"] == "=Ada"
    assert parsed.rows[0].values["title"] == "-lead"
