"""Admins create and rename child organisations within their subtree; every change is logged."""
import pytest
import sqlalchemy as sa

from volunteer.core.models import Event
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations import services
from volunteer.organisations.models import Organisation


def org_named(app, code):
    with app.app_context():
        return db.session.scalar(sa.select(Organisation).where(Organisation.code == code))


def test_admin_creates_a_child_and_it_is_logged(app, world, signed_in):
    admin = signed_in(world.a_admin)
    response = admin.post_form("/organisations/LX-A/children/new",
                               {"code": "lx-a-2", "name": "甲镇第二村团支部", "kind": "village"})
    assert response.status_code == 302 and response.location.endswith("/organisations/LX-A-2")
    with app.app_context():
        child = services.get_by_code("LX-A-2")
        assert child.parent.code == "LX-A" and child.path == "/LX/LX-A/LX-A-2/"
        event = db.session.scalar(sa.select(Event).where(Event.action == "organisation.created",
                                                         Event.subject_id == child.id))
        assert event.actor_id == world.a_admin.id
        assert event.after == {"code": "LX-A-2", "name": "甲镇第二村团支部", "kind": "village"}
    assert "甲镇第二村团支部" in admin.get("/organisations/LX-A").get_data(as_text=True)


@pytest.mark.parametrize("form, field_message", [
    ({"code": "LX-A-1", "name": "重复", "kind": "village"}, "already used"),
    ({"code": "a b", "name": "坏代码", "kind": "village"}, "capital letters"),
    ({"code": "LX-A-3", "name": "", "kind": "village"}, "Please enter a name."),
    ({"code": "LX-A-3", "name": "x" * 121, "kind": "village"}, "At most 120 characters."),
    ({"code": "LX-A-3", "name": "好名字", "kind": "planet"}, "Please choose a kind."),
])
def test_bad_children_are_refused_with_a_message_and_nothing_changes(app, world, signed_in, form, field_message):
    admin = signed_in(world.a_admin)
    admin.client.set_cookie("lang", "en")
    response = admin.post_form("/organisations/LX-A/children/new", form)
    assert response.status_code == 200
    assert field_message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 5


def test_rename_keeps_the_code_and_logs_before_and_after(app, world, signed_in):
    admin = signed_in(world.a_admin)
    response = admin.post_form("/organisations/LX-A-1/rename", {"name": "甲村团总支"})
    assert response.status_code == 302
    with app.app_context():
        org = services.get_by_code("LX-A-1")
        assert org.name == "甲村团总支" and org.code == "LX-A-1"
        event = db.session.scalar(sa.select(Event).where(Event.action == "organisation.renamed"))
        assert event.before == {"name": "甲村团支部"} and event.after == {"name": "甲村团总支"}


def test_renaming_to_the_same_name_logs_nothing(app, world, signed_in):
    signed_in(world.a_admin).post_form("/organisations/LX-A-1/rename", {"name": "甲村团支部"})
    with app.app_context():
        assert db.session.scalar(sa.select(Event).where(Event.action == "organisation.renamed")) is None


def test_the_city_admin_reaches_every_level(app, world, signed_in):
    city = signed_in(world.city_admin)
    assert city.post_form("/organisations/LX-B-1/children/new",
                          {"code": "LX-B-1-1", "name": "乙村一组", "kind": "unit"}).status_code == 302
    assert city.post_form("/organisations/LX-B/rename", {"name": "乙镇团委（新）"}).status_code == 302
    assert org_named(app, "LX-B").name == "乙镇团委（新）"


def test_admin_grants_and_revokes_roles_within_scope(app, world, signed_in, factory):
    admin = signed_in(world.a_admin)
    response = admin.post_form("/organisations/LX-A-1/staff", {"login": world.a_volunteer.phone, "role": "manager"})
    assert response.status_code == 302
    html = admin.get("/organisations/LX-A-1").get_data(as_text=True)
    assert "王小明" in html
    # the new manager now sees the village's staff pages, not town B's
    manager = signed_in(world.a_volunteer)
    assert manager.get("/organisations/LX-A-1").status_code == 200
    assert manager.get("/organisations/LX-B-1").status_code == 404
    with app.app_context():
        from volunteer.accounts.models import Membership
        membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == world.a_volunteer.user_id))
        membership_id = membership.id
    revoke = admin.post_form(f"/organisations/LX-A-1/staff/{membership_id}/revoke", {}, form_url="/organisations/LX-A-1")
    assert revoke.status_code == 302
    assert manager.get("/organisations/LX-A-1").status_code == 404
    with app.app_context():
        actions = db.session.scalars(sa.select(Event.action).where(Event.action.like("membership.%"))
                                     .order_by(Event.id)).all()
        assert actions[-2:] == ["membership.granted", "membership.revoked"]


def test_granting_twice_is_refused_clearly(world, signed_in):
    admin = signed_in(world.a_admin)
    admin.client.set_cookie("lang", "en")
    admin.post_form("/organisations/LX-A/staff", {"login": world.a_volunteer.phone, "role": "manager"})
    again = admin.post_form("/organisations/LX-A/staff", {"login": world.a_volunteer.phone, "role": "manager"})
    assert "already has this role" in again.get_data(as_text=True)
    unknown = admin.post_form("/organisations/LX-A/staff", {"login": "13100000000", "role": "manager"})
    assert "Nobody is registered" in unknown.get_data(as_text=True)


def test_service_refuses_roots_from_the_web(app, world):
    from volunteer.accounts.models import User
    from volunteer.core.errors import Forbidden
    with app.app_context():
        admin = db.session.get(User, world.city_admin.id)
        with pytest.raises(Forbidden):
            services.create_organisation(admin, None, code="ROOT2", name="另一个根", kind="city", now=utcnow())


def test_admin_cannot_remove_their_own_admin_role(app, world):
    from volunteer.accounts import services as accounts
    from volunteer.accounts.models import Membership, User
    from volunteer.core.errors import Forbidden
    with app.app_context():
        admin = db.session.get(User, world.a_admin.id)
        with pytest.raises(Forbidden):
            accounts.revoke_role(admin, admin.memberships[0], now=utcnow())
        assert db.session.scalar(sa.select(sa.func.count(Membership.id)).where(Membership.user_id == admin.id)) == 1
