"""The served OpenAPI document describes every /api/v1 route the app has."""
import re


def test_openapi_documents_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                served.add((path, method))
    assert served and served <= documented, served - documented


def test_openapi_has_the_error_shape_and_bearer_scheme(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    error = spec["components"]["schemas"]["Error"]
    assert "error" in error["properties"]
    me = spec["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
