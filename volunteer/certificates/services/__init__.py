"""Use cases of certificates, by module: issuing (issuing), the register with verification,
revocation and re-issue (register), seals (seals), volunteers' requests (requests); batches are
certificates.batches. Callers import them from here."""
from volunteer.certificates.errors import AlreadyCertified, NoApprovedHours
from volunteer.certificates.services.issuing import (
    approved_entries,
    code_text,
    issue_certificate,
    issue_for_number,
    issuer_for,
    issuing_root,
    next_serial,
    period_text,
    project_choices,
    render_pdf,
    store_issued,
    verify_url,
    volunteers_to_certify,
)
from volunteer.certificates.services.register import (
    certificates_of,
    flag_for_review,
    get_certificate_for,
    get_for_admin,
    needing_review,
    pdf_of,
    register_in_scope,
    reissue,
    revoke,
    verify,
)
from volunteer.certificates.services.requests import (
    decide_request,
    get_request_for,
    request_certificate,
    requests_in_scope,
    requests_of,
    requests_waiting_for,
)
from volunteer.certificates.services.seals import clean_seal, seal_png_for, seal_settings_for, set_seal

__all__ = [
    "AlreadyCertified", "NoApprovedHours", "approved_entries", "certificates_of", "decide_request", "flag_for_review",
    "get_certificate_for", "get_for_admin", "get_request_for", "issue_certificate", "issue_for_number", "issuer_for",
    "issuing_root", "clean_seal", "code_text", "next_serial", "period_text", "store_issued",
    "pdf_of", "project_choices", "needing_review", "register_in_scope", "reissue", "render_pdf", "request_certificate",
    "requests_in_scope", "requests_of", "requests_waiting_for", "revoke", "seal_png_for", "seal_settings_for", "set_seal", "verify",
    "verify_url", "volunteers_to_certify",
]
