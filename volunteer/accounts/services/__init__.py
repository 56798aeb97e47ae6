"""Use cases of accounts, by module: signing in and tokens (signin), browser sessions that end
(sessions), a password reset by a code sent to the account (reset), staff accounts and roles
(staff), volunteers' registration, profile and closing (volunteers), the export of everything
held about a person (personal_data). Callers import them from here."""
from volunteer.accounts.services.personal_data import export_personal_data
from volunteer.accounts.services.reset import (
    code_minutes,
    code_sent_message,
    request_password_reset,
    reset_password,
    start_password_reset,
    volunteer_to_reset,
)
from volunteer.accounts.services.sessions import (
    end_session,
    revoke_all_tokens,
    session_user,
    start_session,
)
from volunteer.accounts.services.signin import (
    authenticate,
    change_password,
    find_user_by_login,
    hash_password,
    issue_api_token,
    normalise_login,
    password_problem,
    revoke_api_token,
    sign_out_everywhere,
    user_for_token,
)
from volunteer.accounts.services.staff import (
    account_for_phone,
    create_user,
    get_membership_of,
    grant_role,
    grant_role_by_login,
    revoke_role,
    staff_of,
)
from volunteer.accounts.services.volunteers import (
    ADULT_AGE,
    SENSITIVE_AGE,
    VOLUNTEERS_OFFERED,
    close_account,
    get_volunteer_for,
    matching,
    register_volunteer,
    set_locale,
    update_profile,
    volunteer_of,
    volunteers_in_scope,
)

__all__ = [
    "account_for_phone",
    "ADULT_AGE", "SENSITIVE_AGE", "VOLUNTEERS_OFFERED", "authenticate", "change_password", "close_account", "create_user",
    "export_personal_data", "find_user_by_login", "get_membership_of", "get_volunteer_for", "grant_role",
    "grant_role_by_login", "hash_password", "issue_api_token", "matching", "normalise_login", "password_problem",
    "register_volunteer", "request_password_reset", "reset_password", "start_password_reset", "volunteer_to_reset",
    "code_minutes", "code_sent_message", "revoke_all_tokens", "revoke_api_token", "revoke_role", "session_user", "set_locale",
    "sign_out_everywhere", "staff_of", "start_session", "end_session",
    "update_profile", "user_for_token", "volunteer_of", "volunteers_in_scope",
]
