"""The inbox on the web and in the API: the unread count in the menu, a notice opened is read and
leads to its record, all marked read; the channel choices in the API."""
from __future__ import annotations

import re

from tests.conftest import csrf_from
from tests.notifications.test_outbox import apply_and_accept
from volunteer.notifications.vocabulary import NoticeKind


def test_the_menu_counts_unread_and_a_notice_leads_to_its_record(app, world, position, signed_in):
    volunteer = signed_in(world.a_volunteer)
    assert 'data-testid="unread-count"' not in volunteer.get("/").get_data(as_text=True)
    apply_and_accept(app, world, position)
    home = volunteer.get("/").get_data(as_text=True)
    assert re.search(r'data-testid="unread-count">1<', home)
    inbox = volunteer.get("/me/notifications/").get_data(as_text=True)
    assert "报名已被录用" in inbox and "陪伴老人" in inbox and "新" in inbox
    action = re.search(r'action="(/me/notifications/\d+)"', inbox).group(1)
    opened = volunteer.client.post(action, data={"csrf_token": csrf_from(inbox)})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/projects/{position.project_id}")
    assert 'data-testid="unread-count"' not in volunteer.get("/").get_data(as_text=True)
    # another person's notice is not theirs to open
    other = signed_in(world.b_volunteer)
    assert other.client.post(action, data={"csrf_token": csrf_from(other.get("/").get_data(as_text=True))}
                             ).status_code == 404


def test_all_marked_read_and_an_empty_inbox_says_so(app, world, position, signed_in):
    volunteer = signed_in(world.a_volunteer)
    assert 'data-testid="inbox-empty"' in volunteer.get("/me/notifications/").get_data(as_text=True)
    apply_and_accept(app, world, position)
    page = volunteer.get("/me/notifications/").get_data(as_text=True)
    done = volunteer.client.post("/me/notifications/read", data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "已将 1 条消息标为已读" in done.get_data(as_text=True)
    assert 'data-testid="unread-count"' not in done.get_data(as_text=True)


def test_the_api_lists_newest_first_marks_read_and_keeps_the_choices(app, world, position, client, api_token):
    headers = {"Authorization": f"Bearer {api_token(world.a_volunteer)}", "Accept-Language": "zh-CN"}
    apply_and_accept(app, world, position)
    listed = client.get("/api/v1/me/notifications", headers=headers)
    assert listed.status_code == 200
    [notice] = listed.json["items"]
    assert notice["kind"] == NoticeKind.APPLICATION_ACCEPTED and notice["read_at"] is None
    assert "陪伴老人" in notice["body"] and notice["url"] == f"/projects/{position.project_id}"
    read = client.post(f"/api/v1/me/notifications/{notice['id']}/read", headers=headers)
    assert read.status_code == 200 and read.json["read_at"] is not None
    assert client.get("/api/v1/me/notifications?unread=true", headers=headers).json["items"] == []
    assert len(client.get("/api/v1/me/notifications", headers=headers).json["items"]) == 1
    theirs = {"Authorization": f"Bearer {api_token(world.b_volunteer)}"}
    assert client.post(f"/api/v1/me/notifications/{notice['id']}/read", headers=theirs).status_code == 404
    settings = client.get("/api/v1/me/notification-settings", headers=headers).json
    issued = settings["channels"][NoticeKind.CERTIFICATE_ISSUED]
    assert issued == {"in_app": True, "email": True, "sms": False, "push": False}
    assert settings["reachable"]["push"] is False  # no browser subscribed
    changed = client.put("/api/v1/me/notification-settings", headers=headers, json={"channels": {
        NoticeKind.CERTIFICATE_ISSUED: {"email": False, "in_app": True}}})
    assert changed.status_code == 200
    assert changed.json["channels"][NoticeKind.CERTIFICATE_ISSUED]["email"] is False
    assert changed.json["channels"][NoticeKind.CERTIFICATE_REVOKED]["email"] is True  # the others untouched
    refused = client.put("/api/v1/me/notification-settings", headers=headers, json={"channels": {
        NoticeKind.CERTIFICATE_ISSUED: {"in_app": False}}})
    assert refused.status_code == 422 and "收件箱" in str(refused.json)
    # a kind of a newer version is left out, like any field this version does not know
    unknown = client.put("/api/v1/me/notification-settings", headers=headers, json={"channels": {
        "no_such_kind": {"email": True}}})
    assert unknown.status_code == 200 and "no_such_kind" not in unknown.json["channels"]
    after = client.get("/api/v1/me/notification-settings", headers=headers).json["channels"]
    assert after[NoticeKind.CERTIFICATE_ISSUED]["email"] is False  # the refused changes changed nothing


def test_the_personal_data_download_holds_the_notices_and_choices(app, world, position, signed_in):
    apply_and_accept(app, world, position)
    volunteer = signed_in(world.a_volunteer)
    data = volunteer.get("/me/export").get_json()
    [notice] = data["notices"]
    assert notice["kind"] == NoticeKind.APPLICATION_ACCEPTED and notice["words"]["position"] == "陪伴老人"
    assert data["notification_choices"] == []
