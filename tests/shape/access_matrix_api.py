"""The access matrix of /api/v1 (see access_matrix.py). The API's bodies are parsed before the
view runs, so a write sends a body its schema accepts: the answer is then the permission's."""
from __future__ import annotations

from datetime import date, timedelta

from tests.shape.access_rules import DECIDES, PUBLIC, SIGNED_IN, VOLUNTEER, lead_of, may, own, recipient_of, route
from volunteer.ledger.vocabulary import Decision
from volunteer.notifications.vocabulary import NoticeKind
from volunteer.projects.vocabulary import ApplicationState, Category, ProjectState
from volunteer.stations.vocabulary import StationKind

A = "LX-A"
STATION_VIEW = lead_of("station") | may("station.view", "station")
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()

API = [
    route("GET", "api-docs.openapi_json", PUBLIC),
    # accounts
    route("POST", "accounts_api.create_token", PUBLIC),
    route("DELETE", "accounts_api.revoke_token", SIGNED_IN),
    route("GET", "accounts_api.privacy_notice", PUBLIC),
    route("POST", "accounts_api.register_volunteer", PUBLIC),
    route("POST", "accounts_api.request_password_reset", PUBLIC, body={"login": "matrix-nobody@example.org"}),
    route("POST", "accounts_api.confirm_password_reset", PUBLIC,
          body={"login": "matrix-nobody@example.org", "code": "000000", "new_password": "matrix123"}),
    route("GET", "accounts_api.me", SIGNED_IN),
    route("GET", "accounts_api.export", SIGNED_IN),
    route("GET", "organisations_api.list_organisations", PUBLIC),
    # projects, positions, applications
    route("GET", "projects_api.list_projects", PUBLIC, query={"scope": "mine"}),
    route("POST", "projects_api.create_project", may("project.manage", "org_a"),
          body={"title": "矩阵新项目", "organisation_code": A, "category": Category.ELDERLY}),
    route("GET", "projects_api.get_project", may("project.view", "draft_project"), project_id="@draft_project"),
    route("POST", "projects_api.transition", may("project.manage", "draft_project"), project_id="@draft_project",
          body={"to": ProjectState.SUBMITTED}),
    route("POST", "projects_api.create_position", may("project.manage", "running_project"),
          project_id="@running_project", body={"title": "矩阵新岗位", "capacity": 2}),
    route("GET", "projects_api.project_applications", may("project.manage", "running_project"),
          project_id="@running_project"),
    route("POST", "projects_api.apply", VOLUNTEER, position_id="@position", body={}),
    route("POST", "projects_api.decide", may("project.manage", "application"), application_id="@application",
          body={"decision": ApplicationState.ACCEPTED}),
    route("POST", "projects_api.withdraw", own("application"), application_id="@application"),
    route("GET", "projects_api.my_applications", SIGNED_IN),
    # stations and check-in
    route("GET", "stations_api.list_stations", PUBLIC),
    route("POST", "stations_api.create_station", may("station.manage", "org_a"),
          body={"name": "矩阵新驿站", "organisation_code": A, "kind": StationKind.POST}),
    route("GET", "stations_api.station_qr", STATION_VIEW, station_id="@station"),
    route("POST", "checkin_api.check_in", VOLUNTEER, body={"code": "@station_code"}, stores=("scans",)),
    route("POST", "checkin_api.kiosk_scan", lead_of("station") | may("station.manage", "station"),
          station_id="@station", body={"code": "not-a-card"}),
    # the ledger
    route("GET", "ledger_api.list_entries", DECIDES, query={"project_id": "@running_project"}),
    route("POST", "ledger_api.manual_entry", may("project.manage", "running_project"),
          body={"project_id": "@running_project", "volunteer_id": "@volunteer", "minutes": 30,
                "served_on": YESTERDAY, "reason": "矩阵补录"}),
    route("POST", "ledger_api.decide", lead_of("pending_entry") | may("project.manage", "pending_entry"),
          entry_id="@pending_entry", body={"decision": Decision.APPROVE}),
    route("POST", "ledger_api.correct", may("project.manage", "approved_entry"), entry_id="@approved_entry",
          body={"minutes": 30, "reason": "矩阵更正"}),
    route("GET", "ledger_api.my_ledger", SIGNED_IN),
    route("POST", "ledger_api.dispute", own("pending_entry"), entry_id="@pending_entry", body={"note": "矩阵"}),
    # certificates
    route("POST", "certificates_api.issue", may("certificate.issue", "volunteer"),
          body={"volunteer_id": "@volunteer"}),
    route("GET", "certificates_api.mine", SIGNED_IN),
    route("GET", "certificates_api.pdf", own("certificate") | may("volunteer.view", "volunteer"), serial="@serial"),
    route("POST", "certificates_api.revoke", may("certificate.issue", "certificate"), serial="@serial",
          body={"reason": "矩阵撤销"}),
    route("GET", "certificates_api.verify", PUBLIC, serial="@serial", query={"code": "@verification_code"}),
    # notifications
    # shifts
    route("POST", "shifts_api.create_shift", may("project.manage", "position"), position_id="@position",
          body={"starts_at": "2027-03-20T09:00:00+08:00", "ends_at": "2027-03-20T12:00:00+08:00", "capacity": 2}),
    route("GET", "shifts_api.list_shifts", PUBLIC),
    route("POST", "shifts_api.sign_up", VOLUNTEER, shift_id="@shift", body={}),
    route("DELETE", "shifts_api.cancel_signup", own("signup"), signup_id="@signup"),
    route("POST", "shifts_api.accept_offer", own("signup"), signup_id="@signup"),
    route("POST", "shifts_api.ask_leave", own("signup"), signup_id="@signup", body={"reason": "矩阵再请假"}),
    route("GET", "notifications_api.my_notifications", SIGNED_IN),
    route("POST", "notifications_api.read_notification", recipient_of("notice"), notice_id="@notice"),
    route("GET", "notifications_api.notification_settings", SIGNED_IN),
    route("PUT", "notifications_api.put_notification_settings", SIGNED_IN,
          body={"channels": {NoticeKind.HOURS_APPROVED: {"email": True}}}),
    # returning-home practice, for a student's phone
    route("GET", "practice_api.programmes", PUBLIC),
    route("GET", "practice_api.posts", PUBLIC, programme_id="@programme"),
    route("POST", "practice_api.apply", VOLUNTEER, programme_id="@programme", body={
        "school_name": "矩阵大学", "student_number": "M009", "major": "法学", "grade": "大二", "hometown": "LX-A-1",
        "choices": ["@post"]}),
    route("GET", "practice_api.my_applications", VOLUNTEER),
    route("POST", "practice_api.accept", own("choice"), choice_id="@choice"),
    route("POST", "practice_api.decline", own("choice"), choice_id="@choice"),
    route("GET", "practice_api.logs", own("placed_application"), application_id="@placed_application"),
    route("POST", "practice_api.write_log", own("placed_application"), application_id="@placed_application",
          body={"week_of": "@log_week", "log_text": "矩阵周志（接口）"}),
    # reports
    route("GET", "reports_api.summary", may("report.view", "org_a"), query={"organisation": A}),
]
