"""Use cases of practice programmes, by module: programmes and their lifecycle (programmes), host
units and their posts (units), students' applications with ranked choices (applications), two-way
selection (selection), the commitment letter and insurance before the post (before), weekly logs,
evaluations and the unit's seal (at_post), practice certificates (certifying), the questionnaire (survey),
attendance and training through the check-in (sites), the temporary branches (branches). Callers import them from here."""
from volunteer.practice.services.applications import (
    applications_of,
    apply,
    change_choices,
    get_own_application,
    hometowns,
    last_details,
    offered_posts,
    open_programmes,
    posts_offered,
    withdraw_application,
)
from volunteer.practice.services.at_post import (
    comment_on_log,
    evaluate,
    evaluation_of,
    evaluations_in,
    get_log_for,
    log_photo_for,
    logs_of,
    placed_students,
    practice_certificate_of,
    set_unit_seal,
    students_at,
    students_with_records,
    weeks_to_log,
    write_log,
)
from volunteer.practice.services.before import (
    acknowledge_commitment,
    confirm_insurance,
    current_commitment,
    insurance_proof_for,
    readiness,
    set_commitment,
)
from volunteer.practice.services.branches import (
    branches_of,
    form_branch,
    get_branch_for,
    get_member_for,
    membership_of,
    my_branch,
    put_in_branch,
    set_secretary,
    unbranched,
)
from volunteer.practice.services.certifying import (
    certifying_jobs,
    get_certifying_job_for,
    issue_practice_certificate,
    start_certifying,
    to_certify,
)
from volunteer.practice.services.programmes import (
    create_programme,
    get_programme_for,
    programmes_of,
    transition_programme,
)
from volunteer.practice.services.selection import (
    accept_offer,
    applicants_of,
    decline_offer,
    get_choice_for_unit,
    get_own_choice,
    place_by_hand,
    unfilled,
    unit_decides,
    unplaced,
)
from volunteer.practice.services.sites import (
    attendance_of,
    checks_in_at_units,
    days_checked_in,
    days_due,
    minutes_approved,
    projects_of,
    set_up_training,
    site_of,
    training_attendance,
    training_of,
    training_stations,
)
from volunteer.practice.services.survey import (
    add_question,
    answer_survey,
    get_question_for,
    questions_of,
    response_of,
    survey_results,
    withdraw_question,
)
from volunteer.practice.services.units import (
    decide_post,
    edit_post,
    get_post_for,
    get_unit_for,
    is_unit_contact,
    posts_of_unit,
    posts_to_decide,
    programmes_open_to,
    register_unit,
    submit_post,
    units_in_scope,
    units_of_contact,
    withdraw_post,
)

__all__ = [
    "branches_of", "form_branch", "get_branch_for", "get_member_for", "membership_of", "my_branch", "put_in_branch",
    "set_secretary", "unbranched",
    "attendance_of", "checks_in_at_units", "days_checked_in", "days_due", "minutes_approved", "projects_of", "set_up_training",
    "site_of", "training_attendance", "training_of", "training_stations",
    "add_question", "answer_survey", "get_question_for", "questions_of", "response_of", "survey_results",
    "withdraw_question",
    "comment_on_log", "evaluate", "evaluation_of", "evaluations_in", "get_log_for", "log_photo_for", "logs_of", "placed_students",
    "practice_certificate_of", "set_unit_seal", "students_at", "students_with_records", "weeks_to_log", "write_log",
    "certifying_jobs", "get_certifying_job_for", "issue_practice_certificate", "start_certifying", "to_certify",
    "acknowledge_commitment", "confirm_insurance", "current_commitment", "insurance_proof_for", "readiness", "set_commitment",
    "accept_offer", "applicants_of", "applications_of", "apply", "change_choices", "create_programme", "decide_post",
    "decline_offer", "edit_post", "get_choice_for_unit", "get_own_application", "get_own_choice", "get_post_for",
    "get_programme_for", "get_unit_for", "hometowns", "is_unit_contact", "last_details", "offered_posts", "open_programmes", "place_by_hand",
    "posts_of_unit", "posts_offered", "posts_to_decide", "programmes_of", "programmes_open_to", "register_unit", "submit_post",
    "transition_programme", "unfilled", "unit_decides", "units_in_scope", "units_of_contact", "unplaced",
    "withdraw_application", "withdraw_post",
]
