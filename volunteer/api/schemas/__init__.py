"""Shapes of the JSON API, one module per domain over base.py. They document the contract (served
as OpenAPI), parse input and dump the answers; the business rules stay in the services, which
report field errors in the caller's language."""
