"""The pure parts of benchmarks/bench_http.py: reading wrk's output, and what happens without
wrk. The run itself (gunicorn, wrk, a minute of load) is ``make bench-http``, never part of the
suite."""

from __future__ import annotations

import importlib.util
from pathlib import Path

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_http.py"
spec = importlib.util.spec_from_file_location("bench_http", PATH)
bench_http = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_http)

WRK = """Running 2s test @ http://127.0.0.1:8000/people/ada/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.70ms    8.14ms 105.95ms   90.01%
    Req/Sec   652.17     70.75   787.00     75.00%
  Latency Distribution
     50%  739.00us
     75%   13.22ms
     90%   17.41ms
     99%    1.05s
  2603 requests in 2.00s, 72.11MB read
  Socket errors: connect 0, read 0, write 0, timeout 3
  Non-2xx or 3xx responses: 2
Requests/sec:   1299.96
Transfer/sec:     36.00MB
"""


def test_wrk_output_is_read_with_its_units():
    assert bench_http.parse_wrk(WRK) == {
        "rps": 1299.96,
        "p50_ms": 0.74,
        "p99_ms": 1050.0,
        "non_2xx": 2,
        "timeouts": 3,
        "requests": 2603,
    }


def test_a_run_with_no_answer_reads_as_zero():
    idle = "Running 2s test @ http://x/\n  0 requests in 2.00s, 0.00B read\nRequests/sec: 0.00\n"
    assert bench_http.parse_wrk(idle) == {
        "rps": 0.0,
        "p50_ms": None,
        "p99_ms": None,
        "non_2xx": 0,
        "timeouts": 0,
        "requests": 0,
    }


def test_without_wrk_it_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setattr(bench_http.shutil, "which", lambda name: None)
    assert bench_http.main([]) == 2
    assert "apt-get install -y wrk" in capsys.readouterr().err
