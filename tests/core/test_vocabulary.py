"""The vocabularies on their own, with no app and no database: what the base class answers, every
label reads in Chinese, the values already stored or published stay, and the words the
permissions and the event log take from the vocabularies name things the code really has."""
from __future__ import annotations

import ast
import functools
import mimetypes
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel.speaklater import LazyString

from volunteer import domains, models  # noqa: F401  (models: every table, for the event log's subjects)
from volunteer.core.vocabulary import MIMETYPES, ExportFormat, JobState
from volunteer.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def translated() -> set[str]:
    return {m.id for m in read_po(CATALOG.open("rb")) if m.id and m.string and not m.fuzzy}


def glossaries():
    return [module.EVENT_LOG for module in domains.VOCABULARIES if hasattr(module, "EVENT_LOG")]


def test_a_member_is_its_value_and_knows_its_label():
    assert JobState("done") is JobState.DONE and JobState.DONE == "done" and isinstance(JobState.DONE, str)
    assert isinstance(JobState.DONE.lazy_label, LazyString)
    assert JobState.DONE.label == str(JobState.DONE.lazy_label) and JobState.DONE.label != ""
    assert JobState.values() == tuple(member.value for member in JobState) == ("queued", "running", "done", "failed")
    assert JobState.labels() == {member.value: member.label for member in JobState}
    assert all(type(label) is str for label in JobState.labels().values())  # translated now, not lazy


def test_a_stored_value_no_vocabulary_knows_is_shown_as_it_is():
    assert JobState.label_of("done") == JobState.DONE.label
    assert JobState.label_of("archived") == "archived"
    assert JobState.label_of(None) == ""
    assert JobState.label_of(7) == "7"


def test_choices_keep_their_labels_lazy_for_a_form():
    assert JobState.choices() == [(member.value, member.lazy_label) for member in JobState]
    picked = JobState.choices([JobState.FAILED, JobState.DONE])
    assert [value for value, _ in picked] == ["failed", "done"]
    assert all(isinstance(label, LazyString) for _, label in picked)


def test_sql_in_lists_the_values_for_a_check_constraint():
    assert JobState.sql_in("state") == "state IN ('queued', 'running', 'done', 'failed')"
    assert JobState.sql_in("state", [JobState.DONE]) == "state IN ('done')"


def test_downloads_say_what_they_are():
    csv = MIMETYPES[ExportFormat.CSV]
    assert csv.startswith(mimetypes.types_map[".csv"]) and csv.endswith("charset=utf-8")  # Chinese text
    # the IANA type of an Office Open XML workbook: what spreadsheet programs open
    assert MIMETYPES[ExportFormat.XLSX] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert set(MIMETYPES) == set(ExportFormat)


def test_every_label_of_every_vocabulary_reads_in_chinese():
    labels = {str(member.lazy_label) for cls in domains.vocabularies().values() for member in cls}
    for glossary in glossaries():
        labels |= {str(label) for label in (*glossary.subjects.values(), *glossary.fields.values())}
    assert labels - translated() == set()


# Values already in the database and in the API's answers. Renaming or dropping one orphans the
# rows already stored (a CHECK refuses them, or the pages show a raw code) and breaks the API's
# clients: that takes a data migration, and this list changes with it. Adding a value is free.
STORED = {
    "JobState": {"queued", "running", "done", "failed"},
    "ExportFormat": {"csv", "xlsx"},
    "OrganisationKind": {"city", "town", "street", "village", "community", "school", "unit"},
    "Role": {"league_admin", "manager"},
    "OrganisationEvent": {"organisation.created", "organisation.renamed"},
    "PoliticalStatus": {"masses", "league_member", "party_member"},
    "Gender": {"male", "female"},
    "IdType": {"resident_id"},
    "AccountEvent": {"membership.granted", "membership.revoked", "volunteer.registered", "volunteer.profile_updated",
                     "user.password_changed", "user.signed_out_everywhere", "account.closed"},
    "StationKind": {"驿站", "青年之家", "服务站", "助残服务站", "联络站", "其他"},
    "CodeKind": {"static", "rotating"},
    "StationEvent": {"station.created", "station.updated", "station.lead_added", "station.lead_removed",
                     "station.code_reset"},
    "ProjectState": {"draft", "submitted", "approved", "recruiting", "running", "evaluating", "closed", "rejected",
                     "suspended", "cancelled"},
    "Category": {"elderly", "disability", "education", "environment", "emergency", "civility", "major_event",
                 "community", "other"},
    "Level": {"city", "town", "village", "school"},
    "ResourceKind": {"funds", "materials", "partner"},
    "ResourceStatus": {"pledged", "received"},
    "ApplicationState": {"pending", "accepted", "declined", "withdrawn"},
    "ProjectEvent": {"project.created", "project.updated", "project.transition", "project.resource_added",
                     "project.evaluated", "project.evaluation_updated", "position.created", "application.created",
                     "application.accepted", "application.declined", "application.withdrawn"},
    "EntryState": {"pending", "approved", "rejected"},
    "EntrySource": {"checkin", "manual", "correction"},
    "Decision": {"approve", "reject"},
    "DisputeState": {"open", "resolved"},
    "Resolution": {"decided", "corrected", "upheld"},
    "Flag": {"auto_closed", "outside_radius", "below_minimum", "over_daily_limit", "overdue"},
    "ApprovalLevel": {"lead", "parent_admin", "top_admin"},
    "LedgerEvent": {"ledger.approved", "ledger.rejected", "ledger.corrected", "ledger.manual_recorded",
                    "ledger.disputed", "ledger.exported"},
    "SessionState": {"open", "closed"},
    "SessionSource": {"self_scan", "kiosk", "manual"},
    "AutoCloseReason": {"station_closed", "max_length", "superseded"},
    "ScanAction": {"checked_in", "checked_out", "unchanged", "refused"},
    "ScannedCode": {"static", "rotating", "personal"},
    "CheckinEvent": {"session.auto_closed", "volunteer.card_replaced"},
    "CertificateStatus": {"valid", "revoked"},
    "RequestState": {"pending", "issued", "declined"},
    "RequestDecision": {"issue", "decline"},
    "CertificateJob": {"certificate_batch"},
    "CertificateEvent": {"certificate.issued", "certificate.revoked", "certificate.requested",
                         "certificate.request_issued", "certificate.request_declined", "certificate.batch_started",
                         "certificate.batch_resumed", "seal.updated"},
    "PeriodChoice": {"this_month", "this_year", "last_year", "custom"},
    "Span": {"one_month", "year_to_month"},
    "Figure": {"registered_volunteers", "active_volunteers", "person_times", "approved_hours", "checkin_hours",
               "manual_hours", "pending_hours", "stations_active", "coverage"},
    "ReportJob": {"period_report"},
    "ReportEvent": {"report.started", "report.figures_published", "report.figures_withdrawn",
                    "report.population_set"},
    "ReportTable": {"headline", "by_organisation", "by_month", "by_category", "by_state", "top_projects",
                    "top_stations", "by_home", "star_levels"},
    "Cell": {"text", "count", "decimal_hours", "share", "change"},
}


def test_values_already_stored_or_published_are_still_there():
    vocabularies = domains.vocabularies()
    gone = {name: values - set(vocabularies[name].values()) if name in vocabularies else values
            for name, values in STORED.items()}
    assert {name: values for name, values in gone.items() if values} == {}


@functools.cache
def _code_trees() -> tuple[ast.AST, ...]:
    return tuple(ast.parse(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "volunteer").rglob("*.py"))
                 if path.name != "vocabulary.py")


PERMISSION_CALLS = {"ensure", "can", "ensure_any_scope", "scope_roots"}
# Declared, but no page or service checks it: it should be checked or dropped (reported with
# issue 13); this set should stay empty.
UNCHECKED = {"membership.view"}


def _checked_actions() -> set[str]:
    """The actions the code asks permissions about: ``permissions.ensure(user, "project.view", p)``."""
    found = set()
    for tree in _code_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if name in PERMISSION_CALLS and isinstance(node.args[1].value, str):
                    found.add(node.args[1].value)
    return found


def test_every_action_the_code_checks_is_declared_and_every_declared_one_is_checked():
    declared = set()
    for module in domains.VOCABULARIES:
        declared |= set(getattr(module, "ACCESS", {}))
    checked = _checked_actions()
    assert checked - declared == set()   # an undeclared action would let nobody in
    assert declared - checked == UNCHECKED   # a declared one nobody checks grants nothing


def _recorded_fields() -> set[str]:
    """Field names the services write into events (``before={"key_version": …}``) or look up."""
    found = set()
    for tree in _code_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                found |= {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) \
                    and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                found.add(node.slice.value)  # before["email_changed"] = …
    return found


def test_the_event_log_names_records_and_fields_that_exist():
    tables = db.metadata.tables
    known_fields = _recorded_fields() | {column for table in tables.values() for column in table.c.keys()}
    for glossary in glossaries():
        assert set(glossary.subjects) - set(tables) == set(), glossary.actions
        assert set(glossary.fields) - known_fields == set(), glossary.actions
        for subject, fields in glossary.values.items():
            assert subject in tables, subject
            assert set(fields) - known_fields == set(), subject


def test_the_sets_other_domains_ask_for():
    from volunteer.checkin.vocabulary import ScannedCode
    from volunteer.organisations.vocabulary import GRASSROOTS_KINDS, OrganisationKind
    from volunteer.projects.vocabulary import APPLICATION_DECISIONS, ApplicationState
    from volunteer.reports.vocabulary import ADDITIVE, Figure
    from volunteer.stations.vocabulary import CodeKind

    # a manager accepts or declines; pending and withdrawn are not answers
    assert set(APPLICATION_DECISIONS) == {ApplicationState.ACCEPTED, ApplicationState.DECLINED}
    # DESIGN.md's coverage counts the villages and the communities
    assert set(GRASSROOTS_KINDS) == {OrganisationKind.VILLAGE, OrganisationKind.COMMUNITY}
    # distinct volunteers and a share do not add up over child organisations; every other figure does
    assert ADDITIVE == set(Figure) - {Figure.ACTIVE_VOLUNTEERS, Figure.COVERAGE}
    # a scan of a station's code is recorded with the kind of that code, and its label
    for kind in CodeKind:
        scanned = ScannedCode.of_station_code(kind)
        assert scanned == kind and scanned.label == kind.label
