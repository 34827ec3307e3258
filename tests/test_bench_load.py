"""The pure parts of benchmarks/bench_load.py: arguments, form reading, the summary.

The load run itself (gunicorn, PostgreSQL, Redis, a minute of locust) is ``make bench-load``,
never part of the suite.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_load.py"
spec = importlib.util.spec_from_file_location("bench_load", PATH)
bench_load = importlib.util.module_from_spec(spec)
# Registered first: dataclasses look their module up in sys.modules while the class is made.
sys.modules.setdefault("bench_load", bench_load)
spec.loader.exec_module(bench_load)
Edit, Verification = bench_load.Edit, bench_load.Verification


def test_parse_args_defaults_are_the_issue_s_load():
    args = bench_load.parse_args([])
    assert (args.users, args.duration, args.edits_per_second, args.workers, args.redis_db) == (
        64,
        60.0,
        5.0,
        4,
        9,
    )
    assert args.json == bench_load.DEFAULT_JSON
    assert args.phase is None


def test_parse_args_takes_a_json_path_and_sizes(tmp_path):
    args = bench_load.parse_args(
        ["--users", "8", "--duration", "5", "--time-limit", "60", "--json", str(tmp_path / "x")]
    )
    assert (args.users, args.duration, args.time_limit, args.json) == (8, 5.0, 60.0, tmp_path / "x")


@pytest.mark.parametrize(
    "argv",
    [
        ["--redis-db", "0"],  # the default db other tools use: never flushed by the benchmark
        ["--users", "0"],
        ["--duration", "200"],  # longer than the hard time limit allows
    ],
)
def test_parse_args_refuses_bad_values(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench_load.parse_args(argv)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_percentile_nearest_rank():
    assert bench_load.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert bench_load.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95) == 5.0
    assert bench_load.percentile([], 0.5) is None


def test_form_fields_reads_the_admin_form_as_a_browser_submits_it():
    html = """
    <form id="other_form"><input name="leak" value="no"></form>
    <form id="newsitem_form">
      <input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <input name="date" value="2025-06-01"><input type="checkbox" name="is_highlight">
      <input type="checkbox" name="published" value="on" checked>
      <select name="person"><option value="">---</option><option value="7" selected>A</option>
      </select>
      <textarea name="text">
Old &amp; news</textarea>
      <input type="submit" name="_save" value="Save">
    </form>"""
    parser = bench_load.FormFields("newsitem_form")
    parser.feed(html)
    assert parser.data == {
        "csrfmiddlewaretoken": ["tok"],
        "date": ["2025-06-01"],
        "published": ["on"],
        "person": ["7"],
        "text": ["Old & news"],
    }


SAMPLES = [
    ("lab home", 10.0, 200),
    ("lab home", 30.0, 200),
    ("lab home", 20.0, 200),
    ("news", 50.0, 502),
    ("admin save", 80.0, 302),
]


def test_summarize_counts_5xx_latency_and_time_to_show():
    edits = [
        Edit(n=1, item=11, status=302, acknowledged=True, show_delay=0.2, polls=1, stale_for=0),
        Edit(
            n=2,
            item=12,
            status=302,
            acknowledged=True,
            show_delay=0.4,
            superseded=True,
            polls=3,
            stale_for=0.3,
        ),
        Edit(n=3, item=11, status=200, acknowledged=False),
    ]
    verification = Verification(
        stored_text={11: "Bench edit 00001 saved", 12: "Bench edit 00002 saved"},
        logged_changes={11: 1, 12: 1},
    )
    summary = bench_load.summarize(SAMPLES, edits, verification, duration=2.0, meta={"cpus": 2})
    assert summary["5xx"] == 1
    assert summary["5xx_by_page"] == {"news": 1}
    assert summary["status_counts"] == {"200": 3, "302": 1, "502": 1}
    assert summary["pages"]["lab home"] == {
        "requests": 3,
        "rps": 1.5,
        "p50_ms": 20.0,
        "p95_ms": 30.0,
    }
    assert summary["edits"] == {
        "attempted": 3,
        "acknowledged": 2,
        "refused": [
            {
                "n": 3,
                "item": 11,
                "status": 200,
                "acknowledged": False,
                "show_delay": None,
                "superseded": False,
                "polls": 0,
                "stale_for": None,
            }
        ],
        "per_second": 1.5,
        "logged_changes": 2,
        "items": 2,
        "last_not_stored": [],
        "last_stored": True,
        "unexpected_saves": 0,
        "lost": 0,
    }
    assert summary["time_to_show"] == {
        "edits_measured": 2,
        "p50_s": 0.2,
        "p95_s": 0.4,
        "max_s": 0.4,
        "over_target": 0,
        "stale_for_p50_s": 0.0,
        "stale_for_max_s": 0.3,
        "shown_by_first_poll": 1,
        "never_shown": [],
        "superseded": 1,
    }
    assert summary["cpus"] == 2
    assert summary["missed"] == ["5xx responses"]
    # What the script writes is plain JSON.
    assert json.loads(json.dumps(summary)) == summary


def test_summarize_finds_lost_edits_and_slow_shows():
    edits = [
        Edit(n=1, item=11, status=302, acknowledged=True, show_delay=1.5),
        Edit(n=2, item=11, status=302, acknowledged=True, show_delay=None),
        Edit(n=3, item=12, status=302, acknowledged=True, show_delay=0.1),
    ]
    # Item 11 holds its first marker, not its last, and logged one change of two; item 12 is
    # fine but logged a change more than the member was told of.
    verification = Verification(
        stored_text={11: "Bench edit 00001 saved", 12: "Bench edit 00003 saved"},
        logged_changes={11: 1, 12: 2},
    )
    summary = bench_load.summarize(SAMPLES[:3], edits, verification, duration=1.0)
    assert (
        summary["edits"]["lost"],
        summary["edits"]["last_not_stored"],
        summary["edits"]["unexpected_saves"],
    ) == (2, [11], 1)
    assert summary["time_to_show"]["never_shown"] == [2]
    assert summary["time_to_show"]["over_target"] == 1
    assert summary["missed"] == ["lost edits", "time to show"]
    text = bench_load.report(summary)
    assert "lost edits: 2 (target 0)" in text.splitlines()
    assert text.splitlines()[-1] == "MISSED: lost edits, time to show"


def test_access_log_readers_name_the_worker_of_a_stale_page():
    log = [
        '101 302 5 - - "/admin/"\n',
        '102 200 40 7@0.100 miss "/people/ada/"\n',
        '103 200 4 7@1.250 hit "/people/ada/"\n',
        '103 200 4 7@1.300 hit "/people/ada/"\n',
        '104 200 4 8@1.400 hit "/people/ada/"\n',  # edit 8 was never stale
    ]
    edits = [
        Edit(n=7, item=11, status=302, acknowledged=True, show_delay=1.4, stale_for=1.3),
        # Slow to arrive (1.2 s) but fresh from the first poll: not a stale page.
        Edit(n=8, item=12, status=302, acknowledged=True, show_delay=1.2, stale_for=0.0),
    ]
    assert bench_load.cache_answers(log) == {"-": 1, "hit": 3, "miss": 1}
    assert bench_load.stale_details(log, edits, {7: 3.5, 8: 4.0}) == [
        {"edit": 7, "stale_polls_after_1s": {"pid 103 cache hit /people/ada/": 2}, "saved_at": 3.5}
    ]
