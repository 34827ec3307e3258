"""publications.lookup against recorded answers in each service's documented format.

Crossref: ``GET https://api.crossref.org/works/<doi>`` → ``{"status": "ok", "message-type":
"work", "message": {...}}`` (a plain-text 404 "Resource not found." for an unknown DOI). arXiv:
``GET http://export.arxiv.org/api/query?id_list=<id>`` → an Atom feed with one ``<entry>``
(``arxiv:`` extension elements for the DOI and journal reference). Every record here is fictional.
"""

from __future__ import annotations

import json

import httpx
import pytest

from publications.lookup import (
    Identifier,
    LookupFailed,
    PaperMetadata,
    fetch_arxiv,
    fetch_crossref,
    parse_identifier,
)


def client_for(routes: dict[str, httpx.Response | Exception]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        answer = routes.get(str(request.url))
        if isinstance(answer, Exception):
            raise answer
        return answer if answer is not None else httpx.Response(404, text="Resource not found.")

    return httpx.Client(transport=httpx.MockTransport(handler))


def crossref(message: dict) -> httpx.Response:
    body = {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}
    return httpx.Response(
        200, content=json.dumps(body), headers={"content-type": "application/json"}
    )


JOURNAL = {
    "DOI": "10.5555/JIR.2024.77",
    "type": "journal-article",
    "title": ["Origami Gradients in <i>Folded</i> Networks"],
    "author": [
        {"given": "Pell", "family": "Quorn", "sequence": "additional", "affiliation": []},
        {"given": "Alice", "family": "Anders", "sequence": "first", "affiliation": []},
    ],
    "container-title": ["Journal of Invented Results"],
    "issued": {"date-parts": [[2024, 3, 14]]},
    "volume": "12",
    "issue": "4",
    "page": "101-119",
    "publisher": "Imaginary Press",
    "abstract": "<jats:title>Abstract</jats:title><jats:p>We fold networks.</jats:p>",
}

CONFERENCE = {
    "DOI": "10.5555/cis.2025.3",
    "type": "proceedings-article",
    "title": ["Paper Lanterns for Sparse Attention"],
    "author": [
        {"given": "Mila", "family": "Ostrova", "sequence": "first"},
        {"given": "Bob", "family": "Brown", "sequence": "additional"},
    ],
    "container-title": ["Proceedings of the Conference on Imaginary Systems"],
    "issued": {"date-parts": [[2025]]},
    "publisher": "Imaginary Society",
}

ARXIV_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <link href="http://arxiv.org/api/query?id_list=2301.04567" rel="self"
        type="application/atom+xml"/>
  <title type="html">ArXiv Query: id_list=2301.04567</title>
  <id>http://arxiv.org/api/fake-feed-id</id>
  <updated>2025-01-05T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/2301.04567v2</id>
    <updated>2023-05-02T17:00:00Z</updated>
    <published>2023-01-11T18:00:00Z</published>
    <title>Teapots Are All
      You Need</title>
    <summary>  We brew attention.
    </summary>
    <author><name>Alice Anders</name></author>
    <author><name>Pell Quorn</name></author>
    <arxiv:doi>10.5555/JIR.2023.5</arxiv:doi>
    <arxiv:journal_ref>J. Invented Results 11 (2023) 5-9</arxiv:journal_ref>
    <link href="http://arxiv.org/abs/2301.04567v2" rel="alternate" type="text/html"/>
    <arxiv:primary_category term="cs.LG"/>
  </entry>
</feed>
"""

ARXIV_ERROR = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: id_list=2399.99999</title>
  <id>http://arxiv.org/api/fake-feed-id</id>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_2399.99999</id>
    <title>Error</title>
    <summary>incorrect id format for 2399.99999</summary>
  </entry>
</feed>
"""

CROSSREF = "https://api.crossref.org/works/"
ARXIV = "http://export.arxiv.org/api/query?id_list="


def test_journal_doi():
    client = client_for({CROSSREF + "10.5555/jir.2024.77": crossref(JOURNAL)})
    assert fetch_crossref("10.5555/jir.2024.77", client=client) == PaperMetadata(
        title="Origami Gradients in Folded Networks",
        authors=["Alice Anders", "Pell Quorn"],
        venue="Journal of Invented Results",
        year=2024,
        month=3,
        volume="12",
        number="4",
        pages="101–119",
        publisher="Imaginary Press",
        kind="journal",
        doi="10.5555/jir.2024.77",
        abstract="Abstract We fold networks.",
        source="Crossref",
    )


def test_conference_doi():
    client = client_for({CROSSREF + "10.5555/cis.2025.3": crossref(CONFERENCE)})
    assert fetch_crossref("10.5555/cis.2025.3", client=client) == PaperMetadata(
        title="Paper Lanterns for Sparse Attention",
        authors=["Mila Ostrova", "Bob Brown"],
        venue="Proceedings of the Conference on Imaginary Systems",
        year=2025,
        publisher="Imaginary Society",
        kind="conference",
        doi="10.5555/cis.2025.3",
        source="Crossref",
    )


def test_arxiv_id_with_a_doi():
    client = client_for({ARXIV + "2301.04567": httpx.Response(200, text=ARXIV_FEED)})
    assert fetch_arxiv("2301.04567", client=client) == PaperMetadata(
        title="Teapots Are All You Need",
        authors=["Alice Anders", "Pell Quorn"],
        venue="J. Invented Results 11 (2023) 5-9",
        year=2023,
        month=1,
        kind="journal",
        doi="10.5555/jir.2023.5",
        arxiv_id="2301.04567",
        abstract="We brew attention.",
        source="arXiv",
    )


def test_unknown_arxiv_id_is_the_apis_error_entry():
    client = client_for({ARXIV + "2399.99999": httpx.Response(200, text=ARXIV_ERROR)})
    with pytest.raises(LookupFailed) as error:
        fetch_arxiv("2399.99999", client=client)
    assert str(error.value) == "arXiv does not know the arXiv id 2399.99999. Check it for typos."


def test_unknown_doi_is_a_404():
    with pytest.raises(LookupFailed) as error:
        fetch_crossref("10.5555/unknown", client=client_for({}))
    assert str(error.value) == "Crossref does not know the DOI 10.5555/unknown. Check it for typos."


def test_timeout():
    client = client_for({CROSSREF + "10.5555/slow": httpx.ReadTimeout("read timed out")})
    with pytest.raises(LookupFailed) as error:
        fetch_crossref("10.5555/slow", client=client)
    assert str(error.value) == (
        "Crossref did not answer within 8 seconds; try again later, or paste the paper's BibTeX "
        "instead. Nothing was added."
    )


@pytest.mark.parametrize(
    "body",
    ["{not json", json.dumps({"status": "ok", "message": {"title": []}}), json.dumps([1, 2])],
)
def test_invalid_json_or_a_work_without_a_title(body):
    client = client_for({CROSSREF + "10.5555/odd": httpx.Response(200, text=body)})
    with pytest.raises(LookupFailed) as error:
        fetch_crossref("10.5555/odd", client=client)
    assert str(error.value) == (
        "Crossref sent an answer that could not be read; try again later, or paste the paper's "
        "BibTeX instead. Nothing was added."
    )


def test_malformed_atom():
    client = client_for({ARXIV + "2301.04567": httpx.Response(200, text="<feed><entry>")})
    with pytest.raises(LookupFailed) as error:
        fetch_arxiv("2301.04567", client=client)
    assert str(error.value).startswith("arXiv sent an answer that could not be read")


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("10.5555/JIR.2024.77", Identifier("doi", "10.5555/jir.2024.77")),
        ("https://doi.org/10.5555/JIR.2024.77", Identifier("doi", "10.5555/jir.2024.77")),
        ("doi:10.5555/x.1", Identifier("doi", "10.5555/x.1")),
        ("2301.04567", Identifier("arxiv", "2301.04567")),
        ("https://doi.org/10.48550/arXiv.2301.04567", Identifier("arxiv", "2301.04567")),
        ("arXiv:2301.04567v3", Identifier("arxiv", "2301.04567")),
        ("https://arxiv.org/abs/2301.04567v2", Identifier("arxiv", "2301.04567")),
        ("https://arxiv.org/pdf/2301.04567.pdf", Identifier("arxiv", "2301.04567")),
    ],
)
def test_identifiers(text, identifier):
    assert parse_identifier(text) == identifier


@pytest.mark.parametrize("text", ["", "a paper about teapots", "https://example.org/paper"])
def test_not_a_doi_nor_an_arxiv_id(text):
    with pytest.raises(LookupFailed) as error:
        parse_identifier(text)
    assert str(error.value) == (
        f"{text!r} is neither a DOI (10.1234/…, or a https://doi.org/… link) nor an arXiv id "
        "(2401.01234, or an arxiv.org link)."
    )
