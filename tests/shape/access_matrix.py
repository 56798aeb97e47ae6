"""The access matrix: every route of the app and who may use it. tests/shape/test_access_matrix.py
fails for a route without an entry here (or in access_matrix_api.py) and for an entry without a
route; and asks each route as each actor of tests/shape/access_world.py.

Adding a route: add ``route(method, endpoint, rule, **url_arguments)`` below, with the rule
its view enforces (access_rules.py: PUBLIC, SIGNED_IN, VOLUNTEER, may(action, record), own(record),
lead_of(record), anywhere(action), combined with ``|``) and, for a write, a body that gets past
the parsing to the permission check. A record the route needs goes into access_world.py."""
from __future__ import annotations

from tests.shape.access_matrix_api import API
from tests.shape.access_rules import (
    DECIDES,
    PUBLIC,
    SIGNED_IN,
    VOLUNTEER,
    Rule,
    anywhere,
    contact_of,
    lead_of,
    may,
    own,
    recipient_of,
    route,
)
from volunteer.notifications.vocabulary import Channel, NoticeKind
from volunteer.projects.vocabulary import ProjectState
from volunteer.reports.vocabulary import PeriodChoice
from volunteer.shifts import services as shifts

A = "LX-A"  # town A's code: the organisation the records belong to
# who runs a shift's roster (leave, absences): its project's staff and its station's leads
RUNS_SHIFT = Rule("runs the shift", lambda user, world: user is not None
                  and shifts.may_run(user, world.record("shift")), in_town_a=True)
STATION_VIEW = lead_of("station") | may("station.view", "station")
DECIDES_ENTRY = lead_of("pending_entry") | may("project.manage", "pending_entry")
# who speaks for a host unit: its contact, or a league admin over it
UNIT_SIDE = contact_of("host_unit") | may("unit.register", "host_unit")

WEB = [
    # the home page, languages, the privacy notice, static files
    route("GET", "main.home", PUBLIC),
    route("GET", "main.privacy_notice", PUBLIC),
    route("POST", "main.switch_language", PUBLIC, code="en"),
    route("GET", "static", PUBLIC, filename="css/app.css"),
    # signing in, registering, one's own account
    route("GET", "accounts.login", PUBLIC),
    route("POST", "accounts.login", PUBLIC),
    route("POST", "accounts.logout", PUBLIC),
    route("GET", "accounts.register", PUBLIC),
    route("POST", "accounts.register", PUBLIC),
    route("GET", "accounts.forgot_password", PUBLIC),
    route("POST", "accounts.forgot_password", PUBLIC, body={"login": "matrix-nobody@example.org"}),
    route("GET", "accounts.reset_password", PUBLIC),
    route("POST", "accounts.reset_password", PUBLIC,
          body={"login": "matrix-nobody@example.org", "code": "000000", "new_password": "matrix123"}),
    route("POST", "accounts.sign_out_everywhere", SIGNED_IN),
    route("GET", "accounts.profile", SIGNED_IN),
    route("GET", "accounts.edit_profile", VOLUNTEER),
    route("POST", "accounts.edit_profile", VOLUNTEER),
    route("GET", "accounts.change_password", SIGNED_IN),
    route("POST", "accounts.change_password", SIGNED_IN),
    route("GET", "accounts.export_data", SIGNED_IN),
    route("GET", "accounts.close_account", SIGNED_IN),
    route("POST", "accounts.close_account", SIGNED_IN),
    # the calendar feed answers whoever holds its token (calendar apps do not sign in)
    route("GET", "calendar.feed", PUBLIC, token="@calendar_token"),
    route("POST", "calendar.new_link", VOLUNTEER),
    route("GET", "accounts.volunteer_list", anywhere("volunteer.view"), query={"q": "@volunteer_no"}),
    route("GET", "accounts.volunteer_detail", may("volunteer.view", "volunteer"), volunteer_id="@volunteer"),
    # a code to the volunteer's own phone (none is configured here: it says so, and nothing is kept)
    route("POST", "accounts.start_password_reset", may("volunteer.reset_password", "volunteer"),
          volunteer_id="@volunteer"),
    route("GET", "core.events", anywhere("event.view")),
    # the organisation tree and its staff
    route("GET", "organisations.index", anywhere("organisation.view")),
    route("GET", "organisations.detail", may("organisation.view", "org_a"), code=A),
    route("GET", "organisations.create_child", may("organisation.manage", "org_a"), code=A),
    route("POST", "organisations.create_child", may("organisation.manage", "org_a"), code=A),
    # an organisation is renamed from above (organisations.services.can_rename)
    route("GET", "organisations.rename", may("organisation.manage", "city"), code=A),
    route("POST", "organisations.rename", may("organisation.manage", "city"), code=A),
    route("GET", "organisations.grant_role", may("membership.manage", "org_a"), code=A),
    route("POST", "organisations.grant_role", may("membership.manage", "org_a"), code=A),
    route("POST", "organisations.revoke_role", may("membership.manage", "membership"), code=A,
          membership_id="@membership"),
    # projects
    route("GET", "projects.index", PUBLIC),
    route("GET", "projects.manage", anywhere("project.view"), query={"organisation": A}),
    route("GET", "projects.create", anywhere("project.manage")),
    route("POST", "projects.create", may("project.manage", "org_a"), body={"organisation_code": A}),
    route("GET", "projects.detail", may("project.view", "draft_project"), project_id="@draft_project"),
    route("GET", "projects.edit", may("project.manage", "draft_project"), project_id="@draft_project"),
    route("POST", "projects.edit", may("project.manage", "draft_project"), project_id="@draft_project"),
    route("POST", "projects.transition", may("project.manage", "draft_project"), project_id="@draft_project",
          body={"to": ProjectState.SUBMITTED}),
    route("POST", "projects.add_resource", may("project.manage", "running_project"), project_id="@running_project"),
    route("POST", "projects.add_position", may("project.manage", "running_project"), project_id="@running_project"),
    route("GET", "projects.evaluation", may("project.manage", "evaluating_project"),
          project_id="@evaluating_project"),
    route("POST", "projects.evaluation", may("project.manage", "evaluating_project"),
          project_id="@evaluating_project"),
    route("GET", "projects.attachment", may("project.view", "evaluating_project"), attachment_id="@attachment"),
    route("POST", "projects.apply", VOLUNTEER, position_id="@position"),
    route("POST", "projects.decide", may("project.manage", "application"), application_id="@application"),
    route("POST", "projects.withdraw", own("application"), application_id="@application"),
    route("GET", "projects.my_applications", SIGNED_IN),
    # stations, their codes and leads
    route("GET", "stations.index", anywhere("station.view")),
    route("GET", "stations.create", anywhere("station.manage")),
    route("POST", "stations.create", may("station.manage", "org_a"), body={"organisation_code": A}),
    route("GET", "stations.detail", STATION_VIEW, station_id="@station"),
    route("GET", "stations.edit", may("station.manage", "station"), station_id="@station"),
    route("POST", "stations.edit", may("station.manage", "station"), station_id="@station"),
    route("GET", "stations.qr", STATION_VIEW, station_id="@station", image_format="svg"),
    route("GET", "stations.display", STATION_VIEW, station_id="@station"),
    route("GET", "stations.rotating_qr", STATION_VIEW, station_id="@station", image_format="svg"),
    route("GET", "stations.poster", STATION_VIEW, station_id="@station"),
    route("POST", "stations.reset_code", may("station.manage", "station"), station_id="@station"),
    route("POST", "stations.add_lead", may("station.manage", "station"), station_id="@station"),
    route("POST", "stations.remove_lead", may("station.manage", "station"), station_id="@station",
          user_id="@lead_user_id"),
    # check-in: the station's code on a phone, the kiosk, the volunteer's card
    route("GET", "checkin.scan", VOLUNTEER, code="@station_code"),
    route("POST", "checkin.scan_post", VOLUNTEER, code="@station_code", stores=("scans",)),
    route("GET", "checkin.kiosk", lead_of("station") | may("station.manage", "station"), station_id="@station"),
    route("POST", "checkin.kiosk", lead_of("station") | may("station.manage", "station"), station_id="@station",
          body={"code": ""}),
    route("GET", "checkin.my_card", VOLUNTEER),
    route("GET", "checkin.my_card_qr", VOLUNTEER, image_format="svg"),
    route("POST", "checkin.replace_card", VOLUNTEER),
    # the ledger: the queue, decisions, corrections, one's own hours and disputes
    # list pages answer everyone who decides somewhere, with their own scope's rows only
    route("GET", "ledger.index", DECIDES, query={"project_id": "@running_project"}),
    route("GET", "ledger.export", DECIDES, kind="csv", query={"project_id": "@running_project"}),
    route("GET", "ledger.queue", DECIDES),
    route("POST", "ledger.approve_selected", DECIDES, body={"entry_ids": "@pending_entry"}, writes=DECIDES_ENTRY),
    route("POST", "ledger.decide", DECIDES_ENTRY, entry_id="@pending_entry"),
    route("POST", "ledger.uphold", lead_of("approved_entry") | may("project.manage", "approved_entry"),
          dispute_id="@dispute"),
    # a correction is the project's staff's, not the lead's (ledger.services.decisions)
    route("POST", "ledger.correct", may("project.manage", "approved_entry"), entry_id="@approved_entry"),
    route("GET", "ledger.record", anywhere("project.manage"), query={"project": "@running_project", "q": "矩阵"}),
    route("POST", "ledger.record", may("project.manage", "running_project"),
          body={"project_id": "@running_project", "volunteer_id": "@volunteer", "served_on": "2026-01-01",
                "minutes": "30", "reason": "矩阵"}),
    route("GET", "ledger.photo", may("project.manage", "manual_entry"),
          entry_id="@manual_entry"),
    route("GET", "ledger.mine", SIGNED_IN),
    # one's notices, and the deliveries that failed in an admin's subtree
    route("GET", "notifications.inbox", SIGNED_IN),
    route("POST", "notifications.open_notice", recipient_of("notice"), notice_id="@notice"),
    route("POST", "notifications.read_all", SIGNED_IN),
    route("GET", "notifications.settings", SIGNED_IN),
    route("POST", "notifications.settings", SIGNED_IN, body={"on": f"{NoticeKind.HOURS_APPROVED}:{Channel.MAIL}"}),
    route("GET", "notifications.failed", anywhere("notification.failed")),
    route("POST", "notifications.push_subscribe", SIGNED_IN),  # a form is not a subscription: 422
    # shifts: anyone sees them; a volunteer signs up; the owner of a sign-up acts on it; the
    # project's staff plan and cancel; they and the station's leads run the roster
    route("GET", "shifts.index", PUBLIC),
    route("GET", "shifts.detail", PUBLIC, shift_id="@shift"),
    route("POST", "shifts.sign_up", VOLUNTEER, shift_id="@shift"),
    route("POST", "shifts.cancel", own("signup"), signup_id="@signup"),
    route("POST", "shifts.accept", own("signup"), signup_id="@signup"),
    route("POST", "shifts.leave", own("signup"), signup_id="@signup", body={"reason": "矩阵再请假"}),
    route("GET", "shifts.position_shifts", may("project.manage", "position"), position_id="@position"),
    route("POST", "shifts.position_shifts", may("project.manage", "position"), position_id="@position",
          body={"kind": "one", "one-starts_at": "2027-03-20T09:00", "one-ends_at": "2027-03-20T12:00", "one-capacity": "2"}),
    route("GET", "shifts.roster", RUNS_SHIFT, shift_id="@shift"),
    route("POST", "shifts.edit_shift", may("project.manage", "shift"), shift_id="@shift", body={"edit-capacity": "4"}),
    route("POST", "shifts.cancel_shift", may("project.manage", "shift"), shift_id="@shift", body={"reason": "矩阵取消"}),
    route("POST", "shifts.decide_leave", RUNS_SHIFT, leave_id="@leave", body={"decision": "grant"}),
    route("POST", "shifts.excuse", RUNS_SHIFT, signup_id="@signup"),
    # practice programmes: their league admins set them up and move them on
    route("GET", "practice.index", anywhere("programme.run")),
    # an organisation outside one's subtree is answered as a field error (nothing made)
    route("POST", "practice.index", anywhere("programme.run"), body={
        "organisation": "LX-A", "name": "矩阵寒假实践", "season": "winter", "applications_open_on": "2027-11-01",
        "applications_close_on": "2027-12-01", "practice_starts_on": "2028-01-10", "practice_ends_on": "2028-02-10"},
        writes=may("programme.run", "org_a")),
    route("GET", "practice.detail", may("programme.run", "programme"), programme_id="@programme"),
    route("POST", "practice.move", may("programme.run", "programme"), programme_id="@programme",
          body={"target": "two_way_selection"}),
    route("POST", "practice.set_commitment", may("programme.run", "programme"), programme_id="@programme",
          body={"letter": "矩阵承诺书"}),
    route("GET", "practice.posts", may("programme.run", "programme"), programme_id="@programme"),
    route("POST", "practice.decide_post", may("programme.run", "programme"), post_id="@post",
          body={"decision": "send_back", "reason": "矩阵退回"}),
    route("POST", "practice.place", may("programme.run", "programme"), programme_id="@programme",
          application_id="@practice_application", body={"post": "@post"}),
    # host units: registered by league admins; their contact offers posts and chooses students
    route("GET", "practice.units", anywhere("unit.register")),
    route("POST", "practice.units", anywhere("unit.register"), body={
        "organisation": A, "name": "矩阵新单位", "unit_kind": "enterprise", "contact_name": "矩阵联系人",
        "contact_phone": "15899990001"}, writes=may("unit.register", "org_a")),
    route("GET", "practice.unit_home", contact_of("host_unit")),
    route("GET", "practice.offer_post", UNIT_SIDE, unit_id="@host_unit", programme_id="@programme"),
    route("POST", "practice.offer_post", UNIT_SIDE, unit_id="@host_unit", programme_id="@programme", body={
        "title": "矩阵新岗位", "post_kind": "enterprise_practice", "places": "1", "place_of_work": "甲镇",
        "duties": "协助", "supervisor_name": "陈"}),
    route("GET", "practice.edit_post", UNIT_SIDE | may("programme.run", "programme"), post_id="@post"),
    route("POST", "practice.edit_post", UNIT_SIDE | may("programme.run", "programme"), post_id="@post",
          body={"title": "矩阵改岗位"}),
    route("POST", "practice.withdraw_post", UNIT_SIDE | may("programme.run", "programme"), post_id="@post"),
    route("POST", "practice.unit_decides", contact_of("host_unit") | may("unit.register", "choice"),
          choice_id="@choice", body={"target": "shortlisted"}),
    # students: their own applications
    route("GET", "practice.mine", VOLUNTEER),
    route("GET", "practice.apply", VOLUNTEER, programme_id="@programme"),
    route("POST", "practice.apply", VOLUNTEER, programme_id="@programme", body={
        "school_name": "矩阵大学", "student_number": "M001", "major": "法学", "grade": "大二", "hometown": A,
        "choice_1": "@post"}),
    route("GET", "practice.my_application", own("practice_application"), application_id="@practice_application"),
    route("POST", "practice.commit", own("practice_application"), application_id="@practice_application",
          body={"commitment": "1"}),
    route("POST", "practice.insurance", own("practice_application"), application_id="@practice_application",
          body={"insurance": "矩阵保险"}),
    route("GET", "practice.filing", own("practice_application"), application_id="@practice_application"),
    route("POST", "practice.withdraw_application", own("practice_application"),
          application_id="@practice_application"),
    route("POST", "practice.answer_offer", own("choice"), choice_id="@choice", body={"answer": "turn_down"}),
    # at the post: the student's logs; the unit's students, comments, evaluations and seal; the league's certificates
    route("GET", "practice.my_logs", own("placed_application"), application_id="@placed_application"),
    route("POST", "practice.my_logs", own("placed_application"), application_id="@placed_application",
          body={"week_of": "@log_week", "log_text": "矩阵周志（改）"}),
    route("GET", "practice.log_photo", own("log") | UNIT_SIDE | may("programme.run", "running_programme"),
          photo_id="@log_photo"),
    route("GET", "practice.unit_students", contact_of("host_unit")),
    route("POST", "practice.comment_log", UNIT_SIDE, log_id="@log", body={"comment": "矩阵点评"}),
    route("POST", "practice.evaluate", UNIT_SIDE, application_id="@placed_application",
          body={"rating": "rated_good", "days_present": "3", "comments": "矩阵评价"}),
    route("POST", "practice.unit_seal", UNIT_SIDE, unit_id="@host_unit"),
    route("GET", "practice.evaluations", may("programme.run", "programme"), programme_id="@programme"),
    route("POST", "practice.certify", may("programme.run", "running_programme"), programme_id="@running_programme",
          application_id="@placed_application"),
    route("POST", "practice.certify_all", may("programme.run", "running_programme"),
          programme_id="@running_programme"),
    route("GET", "practice.certifying", may("programme.run", "running_programme"), job_id="@certifying_job"),
    route("GET", "practice.certifying_status", may("programme.run", "running_programme"), job_id="@certifying_job"),
    route("POST", "practice.certifying_resume", may("programme.run", "running_programme"), job_id="@certifying_job"),
    route("GET", "practice.certifying_zip", may("programme.run", "running_programme"), job_id="@certifying_job"),
    route("GET", "practice.survey", may("programme.run", "running_programme"), programme_id="@running_programme"),
    route("POST", "practice.survey", may("programme.run", "running_programme"), programme_id="@running_programme",
          body={"question_kind": "free_text", "prompt": "矩阵问题", "required": "y"}),
    route("POST", "practice.withdraw_question", may("programme.run", "running_programme"), question_id="@question"),
    route("GET", "practice.my_survey", own("placed_application"), application_id="@placed_application"),
    route("POST", "practice.my_survey", own("placed_application"), application_id="@placed_application",
          body={"q0": "1"}),
    route("GET", "practice.figures_page", may("programme.run", "programme"), programme_id="@programme"),
    route("GET", "practice.school_export", may("programme.run", "programme"), programme_id="@programme"),
    route("GET", "practice.attendance", may("programme.run", "running_programme"),
          programme_id="@running_programme"),
    route("POST", "practice.set_up_training", may("programme.run", "running_programme"),
          programme_id="@running_programme", body={"station_id": "@station"}),
    route("GET", "practice.branches", may("programme.run", "running_programme"), programme_id="@running_programme"),
    route("POST", "practice.branches", may("programme.run", "running_programme"), programme_id="@running_programme",
          body={"name": "矩阵第二支部"}),
    route("POST", "practice.branch_members", may("programme.run", "running_programme"), branch_id="@branch",
          body={"application_ids": "@placed_application"}),
    route("POST", "practice.branch_secretary", may("programme.run", "running_programme"), member_id="@branch_member",
          body={"secretary": "1"}),
    route("GET", "practice.my_branch", own("placed_application"), application_id="@placed_application"),
    route("GET", "practice.insurance_proof", own("placed_application") | may("programme.run", "running_programme"),
          application_id="@placed_application"),
    route("POST", "notifications.push_unsubscribe", SIGNED_IN),  # one's own browsers only
    route("POST", "ledger.dispute", own("pending_entry"), entry_id="@pending_entry"),
    # certificates: the volunteer's, the admins' register and batches, seals, verification
    # with the right code: the masked name, never the name (also as ?serial= on /verify)
    route("GET", "certificates.verify", PUBLIC, serial="@serial", query={"c": "@verification_code"}),
    route("GET", "certificates.mine", SIGNED_IN),
    route("POST", "certificates.request_one", VOLUNTEER),
    route("GET", "certificates.download", own("certificate") | may("volunteer.view", "volunteer"), serial="@serial"),
    route("GET", "certificates.register", anywhere("certificate.issue")),
    # another town's volunteer number is answered as an unknown one (a field error, nothing issued)
    route("POST", "certificates.issue", anywhere("certificate.issue"), body={"volunteer_no": "@volunteer_no"},
          writes=may("certificate.issue", "volunteer")),
    route("POST", "certificates.revoke", may("certificate.issue", "certificate"), serial="@serial"),
    route("POST", "certificates.reissue", may("certificate.issue", "certificate"), serial="@serial"),
    route("POST", "certificates.decide_request", may("certificate.issue", "certificate_request"),
          request_id="@certificate_request"),
    route("GET", "certificates.seal", may("certificate.issue", "org_a"), code=A),
    route("POST", "certificates.seal", may("certificate.issue", "org_a"), code=A),
    route("GET", "certificates.seal_image", may("certificate.issue", "org_a"), code=A),
    route("GET", "certificates.batches", anywhere("certificate.issue")),
    route("POST", "certificates.batches", may("certificate.issue", "org_a"), body={"organisation_code": A}),
    route("GET", "certificates.batch", may("certificate.issue", "batch"), job_id="@batch"),
    route("GET", "certificates.batch_status", may("certificate.issue", "batch"), job_id="@batch"),
    route("GET", "certificates.batch_zip", may("certificate.issue", "batch"), job_id="@batch"),
    route("POST", "certificates.batch_resume", may("certificate.issue", "batch"), job_id="@batch"),
    # dashboards, their exports, the printable report, public figures
    route("GET", "reports.dashboard", may("report.view", "org_a"), query={"organisation": A}),
    route("GET", "reports.export", may("report.view", "org_a"), name="headline", fmt="csv",
          query={"organisation": A}),
    # a period that is no date: the report is not started, after the organisation is checked
    route("POST", "reports.start_print", may("report.view", "org_a"),
          body={"organisation": A, "period": PeriodChoice.CUSTOM, "start": "x", "end": "x"}),
    route("GET", "reports.report_job", may("report.view", "report"), job_id="@report"),
    route("GET", "reports.report_status", may("report.view", "report"), job_id="@report"),
    route("GET", "reports.report_pdf", may("report.view", "report"), job_id="@report"),
    route("POST", "reports.report_resume", may("report.view", "report"), job_id="@report"),
    route("GET", "reports.figure_settings", may("report.publish", "org_a"), code=A),
    route("POST", "reports.figure_settings", may("report.publish", "org_a"), code=A),
    route("GET", "reports.public", PUBLIC, code=A),
]

ENTRIES = WEB + API
