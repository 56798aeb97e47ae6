"""返家乡 practice at the post and after it: a student's weekly logs; the unit's students, its
comments on their logs, its evaluations and its seal; the league's evaluations and practice
certificates (one by one, or all as a background job). Routes of the practice blueprint."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts.forms import ConfirmForm
from volunteer.certificates import batches
from volunteer.core import get_by_id, jobs
from volunteer.core.errors import Conflict, NotFound, ValidationFailed
from volunteer.core.time import local_date, utcnow
from volunteer.extensions import db
from volunteer.practice import figures
from volunteer.practice import services as practice
from volunteer.practice.forms import CommentForm, EvaluationForm, LogForm, QuestionForm, SealForm
from volunteer.practice.models import StudentApplication
from volunteer.web.helpers import flash_form_errors, submit
from volunteer.web.practice import PRIVATE, bp


@bp.route("/practice/mine/<int:application_id>/logs", methods=["GET", "POST"])
@login_required
def my_logs(application_id: int):
    application = practice.get_own_application(current_user, application_id)
    weeks = practice.weeks_to_log(application, local_date(utcnow()))
    form = LogForm()
    form.week_of.choices = [(week.isoformat(), _("week of %(day)s", day=week.isoformat())) for week in weeks]
    if submit(form, lambda: practice.write_log(current_user, application, {
            "week_of": form.week_of.data, "log_text": form.log_text.data, "photos": form.uploads()}, now=utcnow())):
        flash(_("Your log of the week is saved: your supervisor may now comment on it."), "success")
        return redirect(url_for("practice.my_logs", application_id=application.id))
    return render_template("practice/my_logs.html", application=application, form=form,
                           logs=practice.logs_of(application), open=application.programme.takes_logs)


@bp.route("/practice/logs/photos/<int:photo_id>")
@login_required
def log_photo(photo_id: int):
    return Response(practice.log_photo_for(current_user, photo_id), mimetype="image/jpeg", headers=PRIVATE)


@bp.route("/practice/unit/students")
@login_required
def unit_students():
    mine = practice.units_of_contact(current_user)
    if not mine:
        raise NotFound()
    units = [(unit, practice.students_with_records(unit)) for unit in mine]
    attendance = practice.attendance_of([application for _unit, rows in units for application, *_rest in rows])
    return render_template("practice/unit_students.html", units=units, attendance=attendance,
                           form=ConfirmForm(), comment=CommentForm(),
                           seal=SealForm(),
                           evaluation_form=lambda evaluation: EvaluationForm(obj=evaluation, formdata=None))


@bp.route("/practice/logs/<int:log_id>/comment", methods=["POST"])
@login_required
def comment_log(log_id: int):
    log = practice.get_log_for(current_user, log_id)
    form = CommentForm()
    if submit(form, lambda: practice.comment_on_log(current_user, log, form.comment.data,
                                                          read=request.form.get("read"), now=utcnow())):
        flash(_("Your comment is saved: the student is told."), "success")
    flash_form_errors(form)
    return redirect(url_for("practice.unit_students"))


@bp.route("/practice/unit/applications/<int:application_id>/evaluate", methods=["POST"])
@login_required
def evaluate(application_id: int):
    application = get_by_id(StudentApplication, application_id)
    if application is None:
        raise NotFound()
    form = EvaluationForm()
    if submit(form, lambda: practice.evaluate(current_user, application, form.data, now=utcnow())):
        flash(_("The evaluation of %(student)s is saved.", student=application.volunteer.display_name), "success")
    flash_form_errors(form)
    return redirect(url_for("practice.unit_students"))


@bp.route("/practice/unit/<int:unit_id>/seal", methods=["POST"])
@login_required
def unit_seal(unit_id: int):
    unit = practice.get_unit_for(current_user, unit_id)
    form = SealForm()
    upload = form.seal.data.read() if form.seal.data else None
    if submit(form, lambda: practice.set_unit_seal(current_user, unit, upload, now=utcnow())):
        flash(_("The unit's seal is saved: it stamps your evaluations in the practice certificates."), "success")
    flash_form_errors(form)
    return redirect(url_for("practice.unit_students"))


@bp.route("/practice/<int:programme_id>/evaluations")
@login_required
def evaluations(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    placed = practice.placed_students(programme)
    return render_template("practice/evaluations.html", programme=programme, placed=placed, form=ConfirmForm(),
                           evaluations=practice.evaluations_in(programme),
                           waiting=len(practice.to_certify(programme)), jobs=practice.certifying_jobs(programme),
                           certifies=programme.issues_certificates)


@bp.route("/practice/<int:programme_id>/applications/<int:application_id>/certify", methods=["POST"])
@login_required
def certify(programme_id: int, application_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    application = get_by_id(StudentApplication, application_id)
    if application is None or application.programme_id != programme.id:
        raise NotFound()
    made = submit(ConfirmForm(), lambda: practice.issue_practice_certificate(current_user, application,
                                                                            base_url=request.url_root, now=utcnow()))
    if made:
        flash(_("Practice certificate %(serial)s is issued to %(student)s.", serial=made.serial,
                student=application.volunteer.display_name), "success")
    return redirect(url_for("practice.evaluations", programme_id=programme.id))


@bp.route("/practice/<int:programme_id>/certify", methods=["POST"])
@login_required
def certify_all(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    job = submit(ConfirmForm(), lambda: practice.start_certifying(current_user, programme, base_url=request.url_root,
                                                                 now=utcnow()))
    if not job:
        return redirect(url_for("practice.evaluations", programme_id=programme.id))
    jobs.enqueue(job.id)
    return redirect(url_for("practice.certifying", job_id=job.id))


@bp.route("/practice/certifying/<int:job_id>")
@login_required
def certifying(job_id: int):
    (job, programme), now = practice.get_certifying_job_for(current_user, job_id), utcnow()
    return render_template("practice/certifying.html", job=job, programme=programme, form=ConfirmForm(),
                           resumable=job.is_resumable(now), under_way=job.is_under_way(now))


@bp.route("/practice/certifying/<int:job_id>.json")
@login_required
def certifying_status(job_id: int):
    job, _programme = practice.get_certifying_job_for(current_user, job_id)
    return jobs.status_of(job, now=utcnow())


@bp.route("/practice/certifying/<int:job_id>/resume", methods=["POST"])
@login_required
def certifying_resume(job_id: int):
    job, _programme = practice.get_certifying_job_for(current_user, job_id)
    if submit(ConfirmForm(), lambda: batches.resume(current_user, job, now=utcnow())):
        jobs.enqueue(job.id)
        flash(_("The certificates go on from where they stopped."), "success")
    return redirect(url_for("practice.certifying", job_id=job.id))


@bp.route("/practice/certifying/<int:job_id>.zip")
@login_required
def certifying_zip(job_id: int):
    job, _programme = practice.get_certifying_job_for(current_user, job_id)
    return send_file(batches.zip_of(job), mimetype="application/zip", as_attachment=True,
                     download_name=f"practice-certificates-{job.id}.zip", max_age=0)


@bp.route("/practice/<int:programme_id>/figures")
@login_required
def figures_page(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    return render_template("practice/figures.html", programme=programme, f=figures.programme_figures(programme, local_date(utcnow())),
                           schools=figures.schools_of(programme))


@bp.route("/practice/<int:programme_id>/schools.xlsx")
@login_required
def school_export(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    school = (request.args.get("of_school") or "").strip()[:120] or None
    document = figures.school_xlsx(programme, figures.school_rows(programme, school))
    return Response(document, headers={**PRIVATE, "Content-Disposition": f'attachment; filename="practice-{programme.id}.xlsx"'},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/practice/<int:programme_id>/survey", methods=["GET", "POST"])
@login_required
def survey(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    form = QuestionForm()
    if submit(form, lambda: practice.add_question(current_user, programme, form.data, now=utcnow())):
        flash(_("The question is added to the questionnaire."), "success")
        return redirect(url_for("practice.survey", programme_id=programme.id))
    return render_template("practice/survey.html", programme=programme, form=form, confirm=ConfirmForm(),
                           results=practice.survey_results(programme))


@bp.route("/practice/questions/<int:question_id>/withdraw", methods=["POST"])
@login_required
def withdraw_question(question_id: int):
    question = practice.get_question_for(current_user, question_id)
    if submit(ConfirmForm(), lambda: practice.withdraw_question(current_user, question, now=utcnow())):
        flash(_("The question is withdrawn from the questionnaire."), "success")
    return redirect(url_for("practice.survey", programme_id=question.programme_id))


@bp.route("/practice/mine/<int:application_id>/survey", methods=["GET", "POST"])
@login_required
def my_survey(application_id: int):
    application = practice.get_own_application(current_user, application_id)
    questions = practice.questions_of(application.programme)
    form, errors = ConfirmForm(), {}
    if form.validate_on_submit():  # the answers are the questions' own inputs, beside the form's token
        answers = {f"q{q.id}": request.form.getlist(f"q{q.id}") if q.has_options else request.form.get(f"q{q.id}")
                   for q in questions}
        try:
            practice.answer_survey(current_user, application, answers, now=utcnow())
        except ValidationFailed as refused:
            db.session.rollback()
            errors = {name: [str(m) for m in messages] for name, messages in refused.fields.items()}
        except Conflict as refused:
            db.session.rollback()
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("Thank you: your answers are in."), "success")
            return redirect(url_for("practice.my_survey", application_id=application.id))
    return render_template("practice/my_survey.html", application=application, questions=questions, form=form,
                           errors=errors, response=practice.response_of(application),
                           given=request.form if request.method == "POST" else None)
