"""The organisation tree, public: registration needs it."""
from __future__ import annotations

from flask_smorest import Blueprint

from volunteer.api.schemas.accounts import OrganisationArgsSchema, OrganisationPageSchema
from volunteer.core.errors import NotFound
from volunteer.core.pagination import paginate
from volunteer.organisations import services
from volunteer.organisations.models import Organisation

blp = Blueprint("organisations_api", __name__, url_prefix="/api/v1", description="Organisations")


@blp.route("/organisations", methods=["GET"])
@blp.arguments(OrganisationArgsSchema, location="query")
@blp.response(200, OrganisationPageSchema)
def list_organisations(args):
    """Every organisation in tree order; ``parent`` keeps that organisation's children."""
    stmt = services.all_in_tree_order()
    if args.get("parent"):
        parent = services.get_by_code(args["parent"])
        if parent is None:
            raise NotFound()
        stmt = stmt.where(Organisation.parent_id == parent.id)
    return paginate(stmt, args["page"], args["per_page"])
