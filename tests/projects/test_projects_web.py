"""Project pages: creating and editing, resources and totals, evaluation attachments, scope."""
import io

import pytest
import sqlalchemy as sa

from volunteer.extensions import db
from volunteer.projects.models import Attachment, Project, Resource


def walk(app, project_id, state):
    with app.app_context():
        db.session.execute(sa.update(Project).where(Project.id == project_id).values(state=state))
        db.session.commit()


def test_manager_creates_a_project_on_the_web(app, world, signed_in):
    manager = signed_in(world.a_manager)
    response = manager.post_form("/projects/new", {
        "organisation_code": "LX-A-1", "title": "乡村图书角", "category": "education", "level": "village",
        "description": "整理图书", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
        "target_volunteers": "20", "target_hours": "200", "target_beneficiaries": "300"})
    assert response.status_code == 302
    with app.app_context():
        project = db.session.scalar(sa.select(Project))
        assert (project.title, project.organisation.code, project.state, project.target_hours) == (
            "乡村图书角", "LX-A-1", "draft", 200)
    page = manager.get(response.location).get_data(as_text=True)
    assert "乡村图书角" in page and "提交审核" in page


def test_project_form_errors_are_shown_and_nothing_is_created(app, world, signed_in):
    manager = signed_in(world.a_manager)
    manager.client.set_cookie("lang", "en")
    html = manager.post_form("/projects/new", {"organisation_code": "LX-A", "title": "", "category": "elderly",
                                               "starts_on": "2026-12-31", "ends_on": "2026-12-01",
                                               "target_volunteers": "many"}).get_data(as_text=True)
    assert "Please enter a title." in html and "The end date is before the start date." in html
    assert "Must be a whole number." in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_manager_cannot_create_in_another_town(app, world, signed_in):
    manager = signed_in(world.b_manager)
    response = manager.post_form("/projects/new", {"organisation_code": "LX-A", "title": "越界", "category": "other"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


@pytest.mark.parametrize("who, expected", [("a_manager", 200), ("a_admin", 200), ("city_admin", 200),
                                           ("b_manager", 404), ("b_admin", 404), ("a_volunteer", 404)])
def test_draft_pages_per_role(world, signed_in, make_project, who, expected):
    pid = make_project(world).id
    person = signed_in(getattr(world, who))
    assert person.get(f"/projects/{pid}").status_code == expected
    assert person.get(f"/projects/{pid}/edit").status_code == (200 if expected == 200 else 404)
    listing = person.get("/projects/manage")
    if who in ("b_manager", "b_admin"):
        assert "社区助老服务" not in listing.get_data(as_text=True)
    elif who != "a_volunteer":
        assert "社区助老服务" in listing.get_data(as_text=True)
    else:
        assert listing.status_code == 403


def test_edit_is_logged_and_only_in_draft(app, world, signed_in, make_project):
    pid = make_project(world).id
    manager = signed_in(world.a_manager)
    response = manager.post_form(f"/projects/{pid}/edit", {"title": "社区助老（改）", "category": "elderly",
                                                           "starts_on": "2026-01-01", "ends_on": "2030-12-31"})
    assert response.status_code == 302
    from volunteer.core.models import Event
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.action == "project.updated"))
        assert event.before["title"] == "社区助老服务" and event.after["title"] == "社区助老（改）"
    walk(app, pid, "running")
    assert manager.post_form(f"/projects/{pid}/edit", {"title": "再改", "category": "elderly"},
                             form_url=f"/projects/{pid}").status_code == 409


def test_resources_are_totalled_per_kind_status_and_unit(app, world, signed_in, make_project):
    pid = make_project(world).id
    manager = signed_in(world.a_manager)
    for kind, status, amount, unit in (("funds", "pledged", "5000", "元"), ("funds", "pledged", "2500.50", "元"),
                                       ("funds", "received", "1000", "元"), ("materials", "received", "30", "箱")):
        response = manager.post_form(f"/projects/{pid}/resources", {"kind": kind, "status": status,
                                     "description": "捐赠", "amount": amount, "unit": unit}, form_url=f"/projects/{pid}")
        assert response.status_code == 302
    bad = manager.post_form(f"/projects/{pid}/resources", {"kind": "funds", "status": "pledged", "description": "x",
                            "amount": "-5", "unit": "元"}, form_url=f"/projects/{pid}")
    assert bad.status_code == 302
    page = manager.get(f"/projects/{pid}").get_data(as_text=True)
    assert "7,500.50 元" in page and "1,000.00 元" in page and "30.00 箱" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Resource.id))) == 4


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evaluation_form(**files):
    data = {"beneficiaries_served": "80", "rating": "5", "outcomes": "帮扶 80 位老人", "summary": "圆满"}
    data.update(files)
    return data


def test_evaluation_attachments_are_checked(app, world, signed_in, make_project):
    pid = make_project(world).id
    walk(app, pid, "evaluating")
    manager = signed_in(world.a_manager)
    manager.client.set_cookie("lang", "en")
    fake = manager.post_form(f"/projects/{pid}/evaluation", evaluation_form(
        attachments=[(io.BytesIO(b"MZ\x90\x00 not a pdf"), "report.pdf")]),
        content_type="multipart/form-data")
    assert fake.status_code == 200 and "the content is not a PDF file" in fake.get_data(as_text=True)
    exe = manager.post_form(f"/projects/{pid}/evaluation", evaluation_form(
        attachments=[(io.BytesIO(b"MZ"), "tool.exe")]), content_type="multipart/form-data")
    assert "only PDF, PNG" in exe.get_data(as_text=True)
    big = manager.post_form(f"/projects/{pid}/evaluation", evaluation_form(
        attachments=[(io.BytesIO(PDF + b"0" * (5 * 1024 * 1024)), "big.pdf")]), content_type="multipart/form-data")
    assert "larger than 5 MB" in big.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    good = manager.post_form(f"/projects/{pid}/evaluation", evaluation_form(
        attachments=[(io.BytesIO(PDF), "总结报告.pdf")]), content_type="multipart/form-data")
    assert good.status_code == 302
    with app.app_context():
        attachment = db.session.scalar(sa.select(Attachment))
        assert attachment.size == len(PDF) and attachment.content_type == "application/pdf"
        attachment_id = attachment.id
    download = manager.get(f"/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF
    assert signed_in(world.b_manager).get(f"/attachments/{attachment_id}").status_code == 404


def test_volunteer_applies_and_withdraws_on_the_web(app, world, signed_in, make_project):
    pid = make_project(world, state="recruiting").id
    manager = signed_in(world.a_manager)
    manager.post_form(f"/projects/{pid}/positions", {"title": "陪护员", "capacity": "2",
                      "starts_at": "2026-12-05T09:00", "ends_at": "2026-12-05T12:00"}, form_url=f"/projects/{pid}")
    from volunteer.projects.models import Position
    with app.app_context():
        position = db.session.scalar(sa.select(Position))
        assert position.starts_at.hour == 1  # 09:00 in Shanghai is 01:00 UTC
        position_id = position.id
    volunteer = signed_in(world.a_volunteer)
    volunteer.post_form(f"/positions/{position_id}/apply", {"note": "我会手语"}, form_url=f"/projects/{pid}")
    assert "待处理" in volunteer.get("/me/applications").get_data(as_text=True)
    assert "我会手语" in manager.get(f"/projects/{pid}").get_data(as_text=True)
    from volunteer.projects.models import Application
    with app.app_context():
        app_id = db.session.scalar(sa.select(Application.id))
    volunteer.post_form(f"/applications/{app_id}/withdraw", {}, form_url="/me/applications")
    assert "已撤回" in volunteer.get("/me/applications").get_data(as_text=True)
    # nobody else can withdraw it or decide it from outside the town
    assert signed_in(world.b_volunteer).post_form(f"/applications/{app_id}/withdraw", {},
                                                 form_url="/me/applications").status_code == 404
    assert signed_in(world.b_manager).post_form(f"/applications/{app_id}/decision", {"decision": "accepted"},
                                                form_url="/me").status_code == 404


def test_transition_buttons_follow_the_caller(world, signed_in, make_project):
    pid = make_project(world, state="submitted").id
    submitter = signed_in(world.a_manager).get(f"/projects/{pid}").get_data(as_text=True)
    assert 'data-testid="to-approved"' not in submitter and 'data-testid="to-draft"' in submitter
    admin = signed_in(world.a_admin).get(f"/projects/{pid}").get_data(as_text=True)
    assert 'data-testid="to-approved"' in admin and 'data-testid="to-rejected"' in admin


def test_a_refused_transition_on_the_web_says_why_and_changes_nothing(app, world, signed_in, make_project):
    pid = make_project(world, state="submitted").id
    admin = signed_in(world.a_admin)
    response = admin.post_form(f"/projects/{pid}/transitions", {"to": "rejected", "comment": ""},
                               form_url=f"/projects/{pid}")
    assert response.status_code == 302
    page = admin.get(f"/projects/{pid}").get_data(as_text=True)
    assert "请填写理由" in page
    closed = admin.post_form(f"/projects/{pid}/transitions", {"to": "closed"}, form_url=f"/projects/{pid}")
    assert closed.status_code == 302
    assert "不能变更为该状态" in admin.get(f"/projects/{pid}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Project, pid).state == "submitted"
