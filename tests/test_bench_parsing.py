"""The benchmark's pure pieces: reading wrk's report and judging figures against the goals."""

from __future__ import annotations

import pytest

from bench.report import table, verdict
from bench.wrk import parse_wrk

WRK_REPORT = """Running 2s test @ http://127.0.0.1:28000
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.51ms   11.25ms 146.86ms   85.13%
    Req/Sec   181.65     43.57   252.00     65.00%
  Latency Distribution
     50%   20.37ms
     75%   25.13ms
     90%   34.02ms
     99%    1.02s
  727 requests in 2.01s, 585.06KB read
  Socket errors: connect 0, read 12, write 1, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:    361.60
Transfer/sec:    291.00KB
"""


def test_wrk_report_gives_rate_p99_and_failures():
    result = parse_wrk(WRK_REPORT)
    assert result.requests_per_s == 361.60
    assert result.p99_ms == 1020.0
    assert result.requests == 727
    # read errors are the server closing connections after answering; the rest are failures
    assert result.failed == 5 + 1 + 2


def test_microsecond_latencies_and_a_clean_run():
    clean = [line for line in WRK_REPORT.splitlines(keepends=True) if not line.startswith(("  Socket", "  Non-2xx"))]
    result = parse_wrk("".join(clean).replace("1.02s", "870.00us"))
    assert result.p99_ms == pytest.approx(0.87)
    assert result.failed == 0


def test_output_without_a_latency_report_is_rejected():
    with pytest.raises(ValueError, match="not a wrk --latency report"):
        parse_wrk("Requests/sec: 10\n")


def test_verdicts_follow_the_goals():
    results = {"reader_vs_ceiling": 0.61, "export_vs_client": 0.79, "seed_s": 4.2, "proxysql_vs_direct": None,
               "export_rss_mb_small": 80.0, "export_rss_mb_large": 120.0}
    assert verdict("reader_vs_ceiling", results) == "yes"
    assert verdict("export_vs_client", results) == "NO"
    assert verdict("seed_s", results) == "yes"
    assert verdict("proxysql_vs_direct", results) == "n/a"
    assert verdict("export_rss_mb_large", results) == "NO"  # 40 MB above the small export
    assert ["proxysql_vs_direct", "null", ">=", "0.9", "n/a"] in [line.split() for line in table(results).splitlines()]
