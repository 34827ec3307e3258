"""Front matter and ``_config.yml`` go through libyaml when PyYAML has it, with the same results.

The documents here are made up for these tests.
"""

from __future__ import annotations

import pytest
import yaml

from labsite.importing import parse
from labsite.importing.parse import load_yaml, parse_page

DOCUMENTS = [
    "title: Glaze Chemistry\ndate: 2024-02-30\nupdated: 2024-1-03 21:04:00-0100\n",
    "year: 2021\nweight: 1.5\nselected: yes\nempty:\nnothing: ~\n",
    "author:\n  name: Wren Potter  # the owner\n  links:\n    - {label: Site, url: 'https://x.io'}\n",
    "tags: [kilns, glazes, 'clay: wet']\nnote: |\n  two\n  lines\nwhen: 2024-05-01T10:00:00Z\n",
    "anchor: &a {k: 1}\ncopy: *a\n? complex\n: value\n",
    'title: "Caf\\u00e9 \\U0001F3C6"\nplain: Café 🏆\n',
    "- a\n- - b\n  - c\n",
    "",
    "# only a comment\n",
    "0o17: octal\n0x1F: hex\n1_000: sep\n.inf: inf\n",
]


def _pure(text: str):
    return yaml.load(text, Loader=parse._Loader)  # noqa: S506 - a SafeLoader


@pytest.mark.parametrize("text", DOCUMENTS)
def test_fast_loader_reads_like_the_pure_one(text):
    assert load_yaml(text) == _pure(text)


def test_dates_stay_strings():
    meta = load_yaml("date: 2024-05-01\nimpossible: 2024-02-30\n")
    assert meta == {"date": "2024-05-01", "impossible": "2024-02-30"}


def test_libyaml_is_used_when_available():
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML built without libyaml")
    assert parse._FastLoader is not None
    assert issubclass(parse._FastLoader, yaml.CSafeLoader)
    assert parse._FastLoader.yaml_implicit_resolvers == parse._Loader.yaml_implicit_resolvers


@pytest.mark.parametrize(
    "text",
    [
        "title: [broken\n  yaml: : :\n",
        "a: 1\n b: 2\n",
        "key: 'unclosed\n",
        "tab:\n\t- x\n",
        "bell: \x07\n",
    ],
)
def test_errors_are_those_of_the_pure_loader(text):
    with pytest.raises(yaml.YAMLError) as pure:
        _pure(text)
    with pytest.raises(yaml.YAMLError) as fast:
        load_yaml(text)
    assert type(fast.value) is type(pure.value)
    assert str(fast.value) == str(pure.value)


def test_broken_front_matter_names_the_same_line():
    page = parse_page("---\ntitle: Glaze\nauthors: [Wren\n  x: : :\n---\nBody\n", "glaze.md")
    [(line, message)] = page.errors
    assert message.startswith("broken YAML front matter:")
    with pytest.raises(yaml.YAMLError) as pure:
        _pure("title: Glaze\nauthors: [Wren\n  x: : :\n")
    assert line == pure.value.problem_mark.line + 2


def test_deep_nesting_never_reaches_libyaml():
    # libyaml recurses in C on nested nodes and would take the process down; this must not.
    deep = "[" * 50_000
    assert parse._nesting_bound(deep) > parse._FAST_MAX_DEPTH
    with pytest.raises((yaml.YAMLError, RecursionError)):
        load_yaml(deep)
    dashes = "- " * 50_000
    assert parse._nesting_bound(dashes) > parse._FAST_MAX_DEPTH


def test_text_libyaml_cannot_encode_is_read_by_the_pure_loader():
    text = "title: odd \udcff byte\n"  # a lone surrogate, as surrogateescape leaves it
    try:
        expected = _pure(text)
    except yaml.YAMLError as exc:
        with pytest.raises(type(exc)):
            load_yaml(text)
    else:
        assert load_yaml(text) == expected
