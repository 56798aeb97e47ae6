"""An admin starts a batch of certificates, watches the progress bar reach 100 % and downloads
the ZIP, on a 360-px phone."""
from __future__ import annotations

import time
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.certificates.test_batches import town  # noqa: F401 (a fixture)
from volunteer.certificates import services as certificates

pytestmark = pytest.mark.browser


def test_admin_runs_a_batch_and_downloads_the_zip(app, world, town, phone_page, tmp_path, monkeypatch):  # noqa: F811
    eligible = town(5)
    real = certificates.issue_certificate

    def unhurried(*args, **kwargs):  # slow enough for the page to show the job under way
        time.sleep(0.4)
        return real(*args, **kwargs)
    monkeypatch.setattr(certificates, "issue_certificate", unhurried)  # the live server runs in this process
    page = phone_page
    sign_in(page, world.a_admin)
    page.goto("/certificates/")
    page.click("[data-testid=batches-link]")
    page.select_option("#organisation_code", "LX-A")
    page.fill("#min_hours", "2")
    page.click("[data-testid=batch-form] button[type=submit]")
    page.wait_for_url("**/certificates/batches/*")
    bar = page.locator("[data-testid=job-progress]")
    seen = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "100" not in seen:
        seen.add(bar.get_attribute("value"))
        time.sleep(0.05)
    assert seen & {"20", "40", "60", "80"}, seen  # it moved while the job ran, not only at the end
    expect(bar).to_have_attribute("value", "100")
    expect(page.locator("[data-testid=job-percent]")).to_have_text("100")
    expect(page.locator("[data-testid=job-count]")).to_have_text(f"{len(eligible)} / {len(eligible)}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with page.expect_download() as download:
        page.click("[data-testid=job-download]")
    path = tmp_path / "batch.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert len(names) == len(eligible) and all(archive.read(n).startswith(b"%PDF") for n in names)
