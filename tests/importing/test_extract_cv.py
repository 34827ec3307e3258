"""CV rows read from the CV sources homepages keep (labsite/importing/extract/cv.py)."""

from __future__ import annotations

from labsite.importing.extract import cv

CV_PAGE = """---
title: "CV"
permalink: /cv/
---

Education
======
* Ph.D. in Marine Robotics, Harbor Institute of Technology, 2021 (expected)
* M.S. in Mechanical Engineering, *Lakeside University*, Lakeside, 2016
* B.Eng., Lakeside University, 2012 - 2016

Work experience
======
* Summer 2019: Research Intern
  * Deepwater Labs
  * Duties included: sonar calibration
  * Supervisor: Dr. Mara Quell

* 2021 - present: Postdoctoral Researcher
  * Harbor Institute of Technology

Skills
======
* Welding

## Professional Service
- Reviewer, Journal of Ocean Engineering, 2020–present
- Program committee, Workshop on Field Robots, 2022
"""


def test_a_markdown_cv_page_gives_education_positions_and_service_in_order():
    records = cv.from_markdown(CV_PAGE, "_pages/cv.md")
    got = [
        (r.kind, r.title, r.organization, r.location, r.start_year, r.end_year, r.detail)
        for r in records
    ]
    assert got == [
        ("education", "Ph.D. in Marine Robotics", "Harbor Institute of Technology", "", None,
         2021, "expected"),
        ("education", "M.S. in Mechanical Engineering", "Lakeside University", "Lakeside", None,
         2016, ""),
        ("education", "B.Eng.", "Lakeside University", "", 2012, 2016, ""),
        ("experience", "Research Intern", "Deepwater Labs", "", 2019, 2019,
         "Duties included: sonar calibration; Supervisor: Dr. Mara Quell"),
        ("experience", "Postdoctoral Researcher", "Harbor Institute of Technology", "", 2021,
         None, ""),
        ("service", "Reviewer", "Journal of Ocean Engineering", "", 2020, None, ""),
        ("service", "Program committee", "Workshop on Field Robots", "", 2022, 2022, ""),
    ]  # fmt: skip
    assert records[0].source.line == 8


def test_headings_in_other_languages_and_unknown_sections():
    page = "## Ausbildung\n- Diplom Physik, Universität Nordstadt, 2010\n\n## Hobbies\n- Sailing\n"
    records = cv.from_markdown(page, "cv.md")
    assert [(r.kind, r.title, r.organization) for r in records] == [
        ("education", "Diplom Physik", "Universität Nordstadt")
    ]


def test_json_resume():
    data = {
        "basics": {"name": "Ana Ruiz"},
        "education": [
            {
                "institution": "Harbor Institute of Technology",
                "area": "Marine Robotics",
                "studyType": "PhD",
                "startDate": "2016-09-01",
                "endDate": "2021-06-30",
            },
            {"institution": "Lakeside University", "startDate": "2012"},
            "not a row",
        ],
        "work": [
            {"name": "Deepwater Labs", "position": "Research Intern", "startDate": "2019-06",
             "endDate": "2019-09", "summary": "Sonar calibration."},
            {"name": "Harbor Institute of Technology", "position": "Postdoc",
             "startDate": "2021-07"},
        ],
        "volunteer": [{"organization": "Sea Scouts", "position": "Mentor", "startDate": "2018"}],
    }  # fmt: skip
    got = [
        (r.kind, r.title, r.organization, r.start_year, r.end_year, r.detail)
        for r in cv.from_resume_json(data, "assets/json/resume.json")
    ]
    assert got == [
        ("education", "PhD in Marine Robotics", "Harbor Institute of Technology", 2016, 2021, ""),
        ("education", "Lakeside University", "", 2012, None, ""),
        ("experience", "Research Intern", "Deepwater Labs", 2019, 2019, "Sonar calibration."),
        ("experience", "Postdoc", "Harbor Institute of Technology", 2021, None, ""),
        ("service", "Mentor", "Sea Scouts", 2018, None, ""),
    ]


def test_al_folio_cv_yaml():
    data = [
        {"title": "General Information", "type": "map", "contents": [{"name": "Full Name"}]},
        {
            "title": "Education",
            "type": "time_table",
            "contents": [
                {"title": "PhD", "institution": "Harbor Institute of Technology",
                 "year": "2016 - 2021",
                 "description": ["Thesis: Swarms at sea", "Advisor: M. Quell"]},
                {"title": "BSc", "institution": "Lakeside University", "year": 2012},
            ],
        },
        {"title": "Experience", "contents": [{"title": "Intern", "institution": "Deepwater Labs",
                                               "year": "2019"}]},
    ]  # fmt: skip
    got = [
        (r.kind, r.title, r.organization, r.start_year, r.end_year, r.detail)
        for r in cv.from_cv_yaml(data, "_data/cv.yml")
    ]
    assert got == [
        ("education", "PhD", "Harbor Institute of Technology", 2016, 2021,
         "Thesis: Swarms at sea; Advisor: M. Quell"),
        ("education", "BSc", "Lakeside University", None, 2012, ""),
        ("experience", "Intern", "Deepwater Labs", None, 2019, ""),
    ]  # fmt: skip


def test_hostile_and_empty_input_gives_nothing_and_never_fails():
    assert cv.from_markdown("", "cv.md") == []
    assert cv.from_markdown("Education\n===\n* , , ,\n* (2020)\n", "cv.md") == []
    assert cv.from_resume_json([1, 2], "r.json") == []
    assert cv.from_resume_json({"education": "x", "work": None}, "r.json") == []
    assert cv.from_cv_yaml({"a": 1}, "cv.yml") == []
    long = "Education\n===\n* " + "a, " * 50_000 + "2020\n"
    (record,) = cv.from_markdown(long, "cv.md")
    assert len(record.title) <= 300 and len(record.location) <= 200
