"""Records stored before identifiers were normalised: listed for an admin, never changed."""
import sqlalchemy as sa

from volunteer.accounts.models import User, Volunteer
from volunteer.core.crypto import encrypt_text, keyed_hash
from volunteer.extensions import db

FULL_WIDTH_PHONE = "139０００００００１"        # one number with 13900000001
FULL_WIDTH_ID = "1１０１０１１９９２０２０２３２１8"   # one number with 110101199202023218


def store_before_normalising(app, world):
    """What registration let through before: a second account and profile in full-width digits."""
    with app.app_context():
        first = db.session.get(Volunteer, world.a_volunteer.id)
        first.user.phone = "13900000001"
        first.id_number_encrypted, first.id_number_hash = encrypt_text("110101199202023218"), keyed_hash(
            "110101199202023218")
        second = db.session.get(Volunteer, world.b_volunteer.id)
        second.user.phone = FULL_WIDTH_PHONE
        second.id_number_encrypted, second.id_number_hash = encrypt_text(FULL_WIDTH_ID), keyed_hash(FULL_WIDTH_ID)
        db.session.commit()
        return first.user_id, second.user_id


def test_look_alikes_are_listed_masked_and_nothing_changes(app, world):
    first, second = store_before_normalising(app, world)
    result = app.test_cli_runner().invoke(args=["users", "look-alikes"])
    assert result.exit_code == 1
    assert f"phone 139****0001: accounts {first}, {second}" in result.output
    assert f"volunteers {world.a_volunteer.id}, {world.b_volunteer.id}" in result.output
    assert "13900000001" not in result.output and "110101199202023218" not in result.output  # masked
    with app.app_context():
        assert db.session.get(User, second).phone == FULL_WIDTH_PHONE  # left for the admin


def test_without_look_alikes_the_listing_says_so(app, world):
    result = app.test_cli_runner().invoke(args=["users", "look-alikes"])
    assert result.exit_code == 0 and "No look-alike" in result.output


def test_the_migration_lists_them_on_upgrade(app, world, capsys):
    from flask_migrate import downgrade, upgrade
    store_before_normalising(app, world)
    with app.app_context():
        db.session.remove()
        downgrade(revision="0011")
        upgrade()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.phone == FULL_WIDTH_PHONE)) == 1
    assert "look-alike identifiers: phone 139****0001" in capsys.readouterr().out
