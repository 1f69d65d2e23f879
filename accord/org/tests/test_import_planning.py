"""Planning an import: pure code, given a directory snapshot and the file's rows."""

import pytest

from accord.org.importing import (
    CREATE,
    REJECT,
    SENIORITY_LEVELS,
    UNCHANGED,
    UPDATE,
    Directory,
    PersonRecord,
    SourceRow,
    escape_cell,
    plan_import,
    seniority_parse,
    skills_parse,
    skills_text,
    unescape_cell,
)

COLUMNS = ("name", "email", "title", "seniority", "function", "manager_email", "skills")


def directory(*records, functions=("Sales", "Finance"), skills=("Python",)):
    return Directory(
        people={record.email: record for record in records}, functions=functions, skills=skills
    )


ALICE = PersonRecord(
    email="alice@acme.test",
    name="Alice Archer",
    title="VP Sales",
    seniority=4,
    function="Sales",
    skills={"Python": 4},
)


def rows(*cells, start=2):
    return [SourceRow(number=start + index, values=dict(c)) for index, c in enumerate(cells)]


def row(email, name="Someone", **extra):
    return {"email": email, "name": name, **extra}


def plan(source, snapshot=None, columns=COLUMNS, **options):
    return plan_import(source, snapshot or directory(ALICE), columns=columns, **options)


def outcome(result, email):
    return next(r for r in result.rows if r.email == email)


def test_new_email_creates_existing_email_updates_with_before_and_after():
    """Email is the key: a new one creates, a known one (any case) updates what differs."""
    result = plan(
        rows(
            row("NEW@acme.test", "Nia New", title="Analyst", seniority="2", function="finance"),
            row(
                "Alice@ACME.test",
                "Alice Archer",
                title="CRO",
                seniority="Director",
                function="Sales",
                skills="python:4",
            ),
        )
    )
    new, alice = result.rows
    assert new.action == CREATE
    assert new.email == "new@acme.test"
    assert new.values["function"] == "Finance"  # canonical spelling of the existing function
    assert new.values["seniority"] == 2
    assert alice.action == UPDATE
    assert alice.changes == {"title": ("VP Sales", "CRO")}
    assert alice.values == {"title": "CRO"}
    assert result.counts == {CREATE: 1, UPDATE: 1, UNCHANGED: 0, REJECT: 0}


def test_row_matching_the_directory_is_unchanged():
    result = plan(
        rows(
            row(
                "alice@acme.test",
                "Alice Archer",
                title="VP Sales",
                seniority="director",
                function="SALES",
                skills="Python: 4",
            )
        )
    )
    assert result.rows[0].action == UNCHANGED
    assert result.writes == 0


def test_absent_columns_leave_fields_alone_and_empty_cells_clear_them():
    """A column that is missing changes nothing; an empty cell clears the field."""
    only_names = plan(rows(row("alice@acme.test", "Alice Archer")), columns=("name", "email"))
    assert only_names.rows[0].action == UNCHANGED
    cleared = plan(
        rows(row("alice@acme.test", "Alice Archer", title="", function="", skills="", seniority=""))
    )
    assert cleared.rows[0].changes == {
        "title": ("VP Sales", ""),
        "function": ("Sales", ""),
        "skills": ("Python (4)", ""),
    }


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("1", 1),
        ("5", 5),
        ("3.0", 3),
        ("Manager", 3),
        ("manager", 3),
        ("ic", 1),
        ("senior_ic", 2),
        ("Senior IC", 2),
        ("senior-ic", 2),
        ("Individual contributor", 1),
        ("DIRECTOR", 4),
        ("executive", 5),
        ("nope", None),
        ("6", None),
        ("0", None),
    ],
)
def test_seniority_accepts_numbers_codes_and_labels(text, level):
    assert seniority_parse(text) == level


def test_seniority_levels_match_the_model():
    """The pure module's copy of the levels stays in step with Seniority."""
    from accord.org.models import Seniority

    assert dict(Seniority.choices) == {
        value: label for value, (_code, label) in SENIORITY_LEVELS.items()
    }


def test_unknown_seniority_is_rejected_with_the_accepted_values():
    result = plan(rows(row("x@acme.test", seniority="boss")))
    assert result.rows[0].action == REJECT
    assert "Seniority “boss” is not a level; use 1–5 or one of" in result.rows[0].reasons[0]


def test_skills_parse_and_format():
    assert skills_parse("Python:4; SQL: 3, Go:1") == ({"Python": 4, "SQL": 3, "Go": 1}, [])
    skills, problems = skills_parse("Python; SQL:7; Go:1; go:2; :3")
    assert skills == {"Go": 1}
    assert len(problems) == 4
    assert "Skill “Python” needs a level from 1 (learning) to 5" in problems[0]
    assert "Skill “go” is listed twice." in problems
    assert skills_text({"sql": 3, "Python": 4}) == "Python:4; sql:3"
    assert skills_parse(skills_text({"A": 1, "B c": 5}))[0] == {"A": 1, "B c": 5}


def test_bad_skills_reject_the_row():
    result = plan(rows(row("x@acme.test", skills="Python:9")))
    assert result.rows[0].action == REJECT
    assert "Skill “Python” needs a level" in result.rows[0].reasons[0]


def test_unknown_function_is_rejected_unless_asked_to_create_it():
    """Rows naming a function that does not exist are rejected, never silently created."""
    source = rows(row("a@acme.test", function="Legal"), row("b@acme.test", function="legal"))
    refused = plan(source)
    assert [r.action for r in refused.rows] == [REJECT, REJECT]
    assert "There is no function called “Legal”" in refused.rows[0].reasons[0]
    assert refused.missing_functions == ["Legal"]
    allowed = plan(source, create_missing_functions=True)
    assert [r.action for r in allowed.rows] == [CREATE, CREATE]
    assert allowed.new_functions == ["Legal"]
    assert {r.values["function"] for r in allowed.rows} == {"Legal"}


def test_missing_and_invalid_emails_and_names_are_rejected():
    result = plan(rows(row(""), row("not-an-email"), row("ok@acme.test", name="")))
    assert [r.action for r in result.rows] == [REJECT, REJECT, REJECT]
    assert "Email is empty" in result.rows[0].reasons[0]
    assert "“not-an-email” is not a valid email address." in result.rows[1].reasons
    assert "Name is empty." in result.rows[2].reasons


def test_duplicate_emails_reject_every_copy_naming_the_others():
    """Both rows with the same email are rejected, each naming the other's row number."""
    result = plan(rows(row("d@acme.test"), row("other@acme.test"), row("D@acme.test")))
    first, _other, second = result.rows
    assert first.action == second.action == REJECT
    assert "d@acme.test also appears on row 4" in first.reasons[0]
    assert "d@acme.test also appears on row 2" in second.reasons[0]
    assert result.rows[1].action == CREATE


def test_manager_may_appear_later_in_the_file():
    """A row can name a manager who is only created further down the file."""
    result = plan(
        rows(
            row("rep@acme.test", manager_email="BOSS@acme.test"),
            row("boss@acme.test", manager_email="alice@acme.test"),
        )
    )
    assert [r.action for r in result.rows] == [CREATE, CREATE]
    assert result.rows[0].values["manager_email"] == "boss@acme.test"


def test_unknown_manager_is_rejected_not_guessed():
    result = plan(rows(row("rep@acme.test", manager_email="ghost@acme.test")))
    assert result.rows[0].action == REJECT
    assert (
        "The manager ghost@acme.test is not in this workspace or in this file"
        in (result.rows[0].reasons[0])
    )


def test_manager_column_with_names_says_it_needs_emails():
    result = plan(rows(row("rep@acme.test", manager_email="Alice Archer")))
    assert "needs the manager's email" in result.rows[0].reasons[0]


def test_rejecting_a_manager_rejects_their_new_reports_in_turn():
    result = plan(
        rows(
            row("boss@acme.test", seniority="nope"),
            row("rep@acme.test", manager_email="boss@acme.test"),
            row("sub@acme.test", manager_email="rep@acme.test"),
        )
    )
    assert [r.action for r in result.rows] == [REJECT, REJECT, REJECT]
    assert "on row 2, which cannot be imported" in result.rows[1].reasons[0]
    assert "on row 3, which cannot be imported" in result.rows[2].reasons[0]


def test_manager_cycles_inside_the_file_are_rejected():
    """A → B → C → A: every row in the loop is rejected and the loop is spelled out."""
    result = plan(
        rows(
            row("a@acme.test", manager_email="b@acme.test"),
            row("b@acme.test", manager_email="c@acme.test"),
            row("c@acme.test", manager_email="a@acme.test"),
            row("d@acme.test", manager_email="a@acme.test"),
        )
    )
    assert [r.action for r in result.rows] == [REJECT] * 4
    assert "The manager links make a loop" in result.rows[0].reasons[0]
    assert "a@acme.test → b@acme.test → c@acme.test → a@acme.test" in result.rows[0].reasons[0]
    assert "which cannot be imported" in result.rows[3].reasons[0]


def test_cycle_through_existing_people_is_rejected():
    """Making Alice report to her own report closes a loop with the directory."""
    bob = PersonRecord(email="bob@acme.test", name="Bob", manager_email="alice@acme.test")
    result = plan(
        rows(row("alice@acme.test", "Alice Archer", manager_email="bob@acme.test")),
        directory(ALICE, bob),
        columns=("name", "email", "manager_email"),
    )
    assert result.rows[0].action == REJECT
    assert "loop" in result.rows[0].reasons[0]


def test_self_manager_is_rejected():
    result = plan(rows(row("a@acme.test", manager_email="A@acme.test")))
    assert result.rows[0].reasons == ["A person cannot be their own manager."]


def test_moving_a_person_out_of_an_existing_loop_is_allowed():
    """Existing bad data is repairable: a row that breaks a loop is accepted."""
    a = PersonRecord(email="a@acme.test", name="A", manager_email="b@acme.test")
    b = PersonRecord(email="b@acme.test", name="B", manager_email="a@acme.test")
    result = plan(
        rows(row("a@acme.test", "A", manager_email="")),
        directory(a, b),
        columns=("name", "email", "manager_email"),
    )
    assert result.rows[0].action == UPDATE


def test_values_that_are_too_long_are_rejected():
    result = plan(rows(row("a@acme.test", "N" * 151), row("b@acme.test", title="T" * 121)))
    assert "longer than 150" in result.rows[0].reasons[0]
    assert "longer than 120" in result.rows[1].reasons[0]


def test_timezones_are_checked_and_normalized():
    columns = ("name", "email", "timezone")
    result = plan(
        rows(row("a@acme.test", timezone="europe/paris"), row("b@acme.test", timezone="Paris")),
        columns=columns,
    )
    assert result.rows[0].values["timezone"] == "Europe/Paris"
    assert "is not a time zone" in result.rows[1].reasons[0]


def test_row_problems_found_while_reading_reject_the_row():
    source = [SourceRow(number=2, values=row("a@acme.test"), problems=("Has 5 cells",))]
    assert plan(source).rows[0].reasons == ["Has 5 cells"]


def test_digest_changes_when_the_directory_does():
    """The fingerprint of a plan changes when applying it would do something else."""
    source = rows(row("alice@acme.test", "Alice Archer", title="CRO"))
    before = plan(source).digest
    assert plan(source).digest == before
    moved = PersonRecord(**{**ALICE.__dict__, "title": "CRO"})
    assert plan(source, directory(moved)).digest != before


def test_formula_escaping_round_trips():
    for text in ("=SUM(A1)", "+1", "-2", "@cmd", "plain", "", "'quoted"):
        assert unescape_cell(escape_cell(text)) == text
    assert escape_cell("=1+1") == "'=1+1"
    assert escape_cell("plain") == "plain"
