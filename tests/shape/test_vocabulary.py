"""Every closed set of values is declared once, in its domain's vocabulary: a value of one written
out anywhere else (Python outside that domain's vocabulary and models, a template, a script)
fails here. Templates and scripts ask for a label or a flag; code names the member.

The allow-list is for a literal that must stay; it starts, and should stay, empty."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from volunteer import domains
from volunteer.core.vocabulary import Vocabulary

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "volunteer"
ALLOWED: set[tuple[str, str]] = set()  # (file relative to the root, value)


def vocabulary_values() -> dict[str, set[str]]:
    """value -> the domains whose vocabulary declares it (``core`` for volunteer/core)."""
    owners: dict[str, set[str]] = {}
    for cls in domains.vocabularies().values():
        domain = cls.__module__.split(".")[1]
        for value in cls.values():
            owners.setdefault(value, set()).add(domain)
    return owners


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _error_codes(tree: ast.AST) -> set[int]:
    """``code = "..."`` in a class body: the declaration of an error code (a set of its own)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and [getattr(t, "id", None) for t in statement.targets] == ["code"] \
                        and isinstance(statement.value, ast.Constant):
                    found.add(id(statement.value))
    return found


# Calls whose first text argument names a thing, not a value: an endpoint or blueprint
# (``url_for("static")``), a field looked up or reported (``.get("unit")``, ``errors.add("unit", …)``);
# and path segments (``os.path.join(root, "static")``), all of whose arguments are names.
NAMING_CALLS = {"url_for", "Blueprint", "get", "getattr", "hasattr", "setdefault", "pop", "add"}
PATH_CALLS = {"join"}
TRANSLATIONS = {"_", "_l", "gettext", "lazy_gettext"}


def _not_values(tree: ast.AST) -> set[int]:
    """Text that is not a value even when it reads like one: field names (dict keys, subscripts,
    looked-up names), endpoints, paths, and the endpoint compared in ``request.endpoint``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            # a label map keyed by values ({"pending": _l(…)}) is a vocabulary written out again
            label_map = node.values and all(isinstance(v, ast.Call) and getattr(v.func, "id", None) in TRANSLATIONS
                                             for v in node.values)
            if not label_map:
                found.update(id(k) for k in node.keys if k is not None)
        elif isinstance(node, ast.Subscript):
            found.add(id(node.slice))
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in NAMING_CALLS and node.args:
                found.add(id(node.args[0]))
            elif name in PATH_CALLS:
                found.update(id(a) for a in node.args)
            for keyword in node.keywords:  # Glossary(fields={"unit": _l("Unit")}): labels of field names
                if keyword.arg == "fields" and isinstance(keyword.value, ast.Dict):
                    found.update(id(k) for k in keyword.value.keys if k is not None)
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "endpoint":
            found.update(id(c) for c in node.comparators)
    return found


def python_literals(path: Path, owners: dict[str, set[str]], package: Path = PACKAGE) -> list[tuple[int, str]]:
    relative = path.relative_to(package).parts
    domain = relative[0] if len(relative) > 1 else ""
    home = path.name in ("vocabulary.py", "models.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _error_codes(tree) | _not_values(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            # the text itself, or a value quoted in SQL within it ("state = 'pending'")
            for value in {node.value} | set(SQL_QUOTED.findall(node.value)):
                if value in owners and not (home and domain in owners[value]):
                    found.append((node.lineno, value))
    return sorted(found)


SQL_QUOTED = re.compile(r"'([a-z_]{2,40})'")


QUOTED = re.compile(r"""(["'])([^"'<>{}\n]{1,40})\1""")
# In a template, attributes and calls whose text is an identifier of the page, not a value.
NAMING = re.compile(r"""(?:url_for\(|data-testid=|class=|id=|role=|type=|rel=|inputmode=|autocomplete=)\s*$""")
# In a script, a value written out to compare with: ``job.state === "done"``, ``case "done":``,
# ``states.indexOf("done")``, ``states.includes("done")``.
COMPARED = re.compile(r"""(?:[!=]==?|\bcase|\.indexOf\(|\.includes\()\s*(["'])([^"'\n]{1,40})\1"""
                      r"""|(["'])([^"'\n]{1,40})\3\s*[!=]==?""")
# In a template, a class name made of a stored value (``class="badge state-{{ p.state }}"``):
# the style sheet then writes the values out. Ask for a tone, a label or a flag instead.
BUILT_CLASS = re.compile(r"""class=["'][^"']*\{\{\s*[\w.\[\]]+\.(?:state|status|kind|source|category|level|role|"""
                         r"""outcome|action|resolution|reason)\s*\}\}""")


def template_literals(path: Path, owners: dict[str, set[str]]) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        found += [(number, "a class name made of a value") for _ in BUILT_CLASS.finditer(line)]
        for match in QUOTED.finditer(line):
            if match[2] in owners and not NAMING.search(line[:match.start()]):
                found.append((number, match[2]))
    return found


def script_literals(path: Path, owners: dict[str, set[str]]) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for match in COMPARED.finditer(line):
            value = match[2] or match[4]
            if value in owners:
                found.append((number, value))
    return found


def violations() -> list[str]:
    owners = vocabulary_values()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += [(path, n, v) for n, v in python_literals(path, owners)]
    for path in sorted((ROOT / "templates").rglob("*.html")):
        found += [(path, n, v) for n, v in template_literals(path, owners)]
    for path in sorted((ROOT / "static" / "js").rglob("*.js")):
        found += [(path, n, v) for n, v in script_literals(path, owners)]
    return [f"{path.relative_to(ROOT)}:{n}: {value!r} (of {', '.join(sorted(owners.get(value, {'a vocabulary'})))})"
            for path, n, value in found if (str(path.relative_to(ROOT)), value) not in ALLOWED]


def test_no_value_of_a_vocabulary_is_written_out_elsewhere():
    assert violations() == []


def test_the_scan_finds_a_literal_in_python_a_template_and_a_script(tmp_path):
    """The check works: a state compared as text in a service, written in a template or compared
    in a script is found; a field named like a value, an endpoint, a docstring are not."""
    owners = vocabulary_values()
    module = tmp_path / "ledger" / "decisions.py"
    module.parent.mkdir()
    module.write_text('def f(entry, data):\n    """About "pending" states."""\n'
                      '    data.get("unit")\n    return entry.state == "pending", {"valid": True}\n')
    assert python_literals(module, owners, tmp_path) == [(4, "pending")]
    labels = tmp_path / "ledger" / "exports.py"
    labels.write_text('LABELS = {"pending": _l("Awaiting approval")}\n')
    assert python_literals(labels, owners, tmp_path) == [(1, "pending")]
    home = tmp_path / "ledger" / "models.py"
    home.write_text('CHECK = "state IN (\'pending\')"\nDEFAULT = "pending"\n')
    assert python_literals(home, owners, tmp_path) == []
    query = tmp_path / "ledger" / "listing.py"
    query.write_text('ROWS = "SELECT id FROM t WHERE state = \'pending\'"\nX = args.get("state", "pending")\n')
    assert python_literals(query, owners, tmp_path) == [(1, "pending"), (2, "pending")]
    template = tmp_path / "page.html"
    template.write_text("{% if job.state == 'failed' %}<p>x</p>{% endif %}\n<button value=\"approve\">\n"
                        "<a href=\"{{ url_for('static', filename='x') }}\" data-testid=\"decline\">\n"
                        "<span class=\"badge state-{{ project.state }}\">\n")
    assert template_literals(template, owners) == [(1, "failed"), (2, "approve"), (4, "a class name made of a value")]
    script = tmp_path / "page.js"
    script.write_text('if (job.state === "done") { show(); }\nvar mode = {facingMode: "environment"};\n')
    assert script_literals(script, owners) == [(1, "done")]


def _all_vocabularies() -> set[type[Vocabulary]]:
    found, classes = set(), list(Vocabulary.__subclasses__())
    while classes:
        cls = classes.pop()
        found.add(cls)
        classes.extend(cls.__subclasses__())
    return found


def test_every_vocabulary_joins_the_app_and_labels_every_value():
    """Each Vocabulary subclass is in a domain's vocabulary module that volunteer/domains.py
    lists (so templates, the scan and the API see it), and each of its values has a label."""
    from flask_babel.speaklater import LazyString
    joined = set(domains.vocabularies().values())
    assert _all_vocabularies() == joined
    for cls in joined:
        parts = cls.__module__.split(".")
        assert len(parts) == 3 and parts[0] == "volunteer" and parts[2] == "vocabulary", cls
        unlabelled = [m for m in cls if not isinstance(m.lazy_label, LazyString)]
        assert unlabelled == [], cls


def test_the_test_sees_a_vocabulary_that_did_not_join(monkeypatch):
    class Stray(Vocabulary):
        ONE = "one", "One"
    assert Stray in _all_vocabularies() and Stray not in set(domains.vocabularies().values())


def test_no_two_domains_label_one_field_differently(app):
    """The event log names a recorded field by one label for all domains (core.audit keeps one
    table): a domain that gave "name" its own label renamed every organisation's and station's."""
    from volunteer.core import audit
    with app.test_request_context():
        seen: dict[str, tuple[str, str]] = {}
        for glossary in audit._GLOSSARIES:
            for field, label in glossary.fields.items():
                first = seen.setdefault(field, (glossary.key, str(label)))
                assert first[1] == str(label), f"{field}: {first} and {glossary.key} {label}"
