"""Reports: the summary of an organisation's subtree for a period, for staff over it."""
from __future__ import annotations

from flask_smorest import Blueprint

from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.reports import SummaryArgsSchema, SummarySchema
from volunteer.core.time import utcnow
from volunteer.reports import services

blp = Blueprint("reports_api", __name__, url_prefix="/api/v1", description="Reports")


@blp.route("/reports/summary", methods=["GET"])
@login_required
@blp.arguments(SummaryArgsSchema, location="query")
@blp.response(200, SummarySchema)
@blp.alt_response(403, schema="Error")
@blp.alt_response(404, schema="Error")
@blp.alt_response(422, schema="Error")
@blp.doc(security=BEARER)
def summary(args):
    """The headline figures, the same for the year before, each child's and the months (this
    year to date by default); 403 for a caller without a staff role, 404 outside their scope."""
    user, now = api_user(), utcnow()
    organisation = services.organisation_for(user, args.get("organisation"))
    period = services.period_between(args.get("from"), args.get("to"), now=now)
    return services.summary(organisation, period, now=now)
