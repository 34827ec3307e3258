"""``|safe`` only on a sanitized ``*_html`` field, and nothing else marks text safe.

Every template of the project (``templates/`` and any app's ``templates/``) and every Python
module of its apps is read: a template may print ``{{ x.something_html|safe }}`` (filters
after ``|safe`` are fine: they keep the sanitized HTML, e.g. ``truncatewords_html``), but no
``|safe`` on anything else or after another filter (``title_html|default:title|safe`` printed
the raw title when the sanitizer emptied ``title_html``), no ``|safeseq``, no ``{% autoescape
off %}``, no ``{% filter safe %}``. In Python, ``mark_safe``/``SafeString`` take only a literal
or one of the reviewed call sites below, and ``format_html`` only a literal format string (it
escapes its arguments).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROJECT_APPS = [
    Path(config.path)
    for config in apps.get_app_configs()
    if Path(config.path).is_relative_to(ROOT) and ".venv" not in Path(config.path).parts
]

#: Reviewed places that mark a computed string safe, each with why it is safe.
REVIEWED_MARK_SAFE = {
    # The JSON is written with <, > and & as \u003c… (dumps_for_script): no "</script>" or
    # "<!--" can end or change the element, whatever the names hold.
    ("labsite/templatetags/labsite_seo.py", "json_ld"),
    # A stored list entry: the entry template's output (autoescaped) and author names passed
    # through escape() when it was built; the per-page parts are literal tags around them.
    ("publications/entries.py", "render"),
}

_VARIABLE = re.compile(r"{{(.*?)}}", re.DOTALL)
_SAFE_EXPRESSION = re.compile(r"\s*[\w.]+_html\s*\|\s*safe(\s*\|\s*[\w]+(:\S+)?)*\s*")
_FORBIDDEN_TAG = re.compile(
    r"{%\s*autoescape\s+off\s*%}|{%\s*filter\s+[^%]*\bsafe\b[^%]*%}|\|\s*safeseq\b", re.DOTALL
)


def template_files() -> list[Path]:
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [app / "templates" for app in PROJECT_APPS]
    files = sorted({p for folder in folders if folder.is_dir() for p in folder.rglob("*.html")})
    files += sorted(
        {p for folder in folders if folder.is_dir() for p in folder.rglob("*.txt")}
        | {p for folder in folders if folder.is_dir() for p in folder.rglob("*.xml")}
    )
    return files


def template_offences(source: str) -> list[str]:
    """The ``|safe`` uses and autoescape switches in one template's source that break the rule."""
    found = [m.group(0) for m in _FORBIDDEN_TAG.finditer(source)]
    for match in _VARIABLE.finditer(source):
        expression = match.group(1)
        if re.search(r"\|\s*safe\b", expression) and not _SAFE_EXPRESSION.fullmatch(expression):
            found.append(match.group(0))
    return found


def python_files() -> list[Path]:
    files = []
    for app in PROJECT_APPS:
        for path in app.rglob("*.py"):
            if "migrations" not in path.parts and "tests" not in path.parts:
                files.append(path)
    return sorted(set(files))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def python_offences(source: str, relative: str) -> list[str]:
    """Calls in one module that mark computed text safe outside the reviewed places."""
    tree = ast.parse(source)
    found: list[str] = []
    functions: list[tuple[int, int, str]] = [
        (node.lineno, node.end_lineno or node.lineno, node.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]

    def enclosing(line: int) -> str:
        inside = [(start, name) for start, end, name in functions if start <= line <= end]
        return max(inside)[1] if inside else ""

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        first = node.args[0] if node.args else None
        literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
        where = f"{relative}:{node.lineno} {name}(…)"
        if name in {"mark_safe", "SafeString", "SafeText"}:
            if not literal and (relative, enclosing(node.lineno)) not in REVIEWED_MARK_SAFE:
                found.append(where)
        elif name in {"format_html", "format_html_join"}:
            fmt = node.args[1] if name == "format_html_join" and len(node.args) > 1 else first
            if not (isinstance(fmt, ast.Constant) and isinstance(fmt.value, str)):
                found.append(where)
    for match in re.finditer(r"allow_tags\s*=\s*True|\|\s*safe\b", source):
        found.append(f"{relative}: {match.group(0)}")
    return found


def test_the_walk_finds_the_templates_and_modules():
    names = {p.relative_to(ROOT).as_posix() for p in template_files()}
    assert "templates/publications/includes/_entry.html" in names
    assert "templates/base.html" in names
    modules = {p.relative_to(ROOT).as_posix() for p in python_files()}
    assert {"labsite/templatetags/labsite_seo.py", "people/admin.py"} <= modules


@pytest.mark.parametrize(
    ("source", "offences"),
    [
        ("{{ person.bio_html|safe }}", []),
        ("{{ project.summary_html|safe|truncatewords_html:45 }}", []),
        (
            "{{ publication.title_html|default:publication.title|safe }}",
            ["{{ publication.title_html|default:publication.title|safe }}"],
        ),
        ("{{ publication.title|safe }}", ["{{ publication.title|safe }}"]),
        ("{{ x.body_html|striptags|safe }}", ["{{ x.body_html|striptags|safe }}"]),
        ("{% autoescape off %}{{ x }}{% endautoescape %}", ["{% autoescape off %}"]),
        ("{% filter safe %}{{ x }}{% endfilter %}", ["{% filter safe %}"]),
        ("{{ items|safeseq|join:', ' }}", ["|safeseq"]),
        ("{{ title }} {{ x.text_html }}", []),
    ],
)
def test_template_rule_reads_what_it_should(source, offences):
    assert template_offences(source) == offences


@pytest.mark.parametrize(
    ("source", "offences"),
    [
        ("mark_safe('')", []),
        ("def f(x):\n    return mark_safe(x)\n", ["m.py:2 mark_safe(…)"]),
        ("def f(x):\n    return SafeString(x.title)\n", ["m.py:2 SafeString(…)"]),
        ("format_html('<b>{}</b>', x)", []),
        ("format_html(f'<b>{x}</b>')", ["m.py:1 format_html(…)"]),
    ],
)
def test_python_rule_reads_what_it_should(source, offences):
    assert python_offences(source, "m.py") == offences


def is_plain_text_email(path: Path) -> bool:
    """A plain-text email body or subject (sent as text/plain, never rendered as HTML): Django's
    own password-reset emails turn autoescaping off so that "O'Brien" is not "O&#x27;Brien"."""
    return path.suffix == ".txt" and path.stem.endswith(("_email", "_subject"))


def test_templates_print_safe_only_on_sanitized_html_fields():
    offences = {
        path.relative_to(ROOT).as_posix(): found
        for path in template_files()
        if (found := template_offences(path.read_text(encoding="utf-8")))
        and not (is_plain_text_email(path) and found == ["{% autoescape off %}"])
    }
    assert offences == {}


def test_plain_text_emails_are_sent_as_text_only():
    from labsite import invitations

    source = pathlib_source(invitations)
    assert "html_email_template_name" not in source and "EmailMultiAlternatives" not in source
    emails = [p.name for p in template_files() if is_plain_text_email(p)]
    assert sorted(emails) == [
        "invitation_email.txt",
        "invitation_subject.txt",
        "password_reset_email.txt",
        "password_reset_subject.txt",
    ]


def pathlib_source(module) -> str:
    return Path(module.__file__).read_text(encoding="utf-8")


def test_python_marks_only_reviewed_strings_safe():
    offences = {
        path.relative_to(ROOT).as_posix(): found
        for path in python_files()
        if (
            found := python_offences(
                path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
            )
        )
    }
    assert offences == {}
