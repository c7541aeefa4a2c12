"""The drill report: one row per fault, then totals, the write check, replication and the targets."""

from __future__ import annotations

from drill.client import CUT_OFF, NO_ANSWER
from drill.scenario import DrillResult


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def _row(name: str, result: DrillResult, index: int | None = None) -> str:
    stats = result.stats
    a = stats.answers
    reads_ok = a[("read", 200)]
    other_writes = sum(n for (k, s), n in a.items() if k == "write" and s not in (201, 503))
    writes = f"{a[('write', 201)]}/{a[('write', 503)]}/{other_writes}"
    exports = f"{a[('export', 200)]}/{sum(n for (k, s), n in a.items() if k == 'export' and s != 200)}"
    timings = result.timings if index is None else [result.timings[index]]
    detect = ", ".join(_s(t.detect_s) for t in timings)
    recover = ", ".join(f"{_s(t.recover_s)} (<={t.recover_target_s:.0f}s)" for t in timings)
    slowest = max((v for k, v in stats.slowest.items() if k != "export"), default=0.0)
    return (f"{name[:52]:52} {stats.requests:>7} {reads_ok:>7} {stats.failed_reads():>6} {writes:>13} "
            f"{exports:>7} {detect:>7} {recover:>16} {slowest:>6.1f}s {sum(stats.over_limit.values()):>4}")


def render(title: str, settings: str, alone: list[DrillResult], sequence: DrillResult | None,
           hang_limit: float) -> str:
    lines = [f"== {title} ==", settings, "",
             f"{'fault':52} {'requests':>7} {'reads':>7} {'failed':>6} {'w 201/503/x':>13} {'exports':>7} "
             f"{'detect':>7} {'recover (target)':>16} {'slowest':>7} {'hung':>4}"]
    for result in alone:
        lines.append(_row(result.title, result))
    if sequence is not None:
        lines.append(_row(f"all in sequence ({len(sequence.timings)} faults)", sequence))
        for timing in sequence.timings:
            lines.append(f"   {timing.name[:50]:50} detect {_s(timing.detect_s):>6}  recover {_s(timing.recover_s):>6}"
                         f" (<={timing.recover_target_s:.0f}s)")
    everything = [*alone, *([sequence] if sequence else [])]
    statuses: dict[str, int] = {}
    for result in everything:
        for (kind, status), n in result.stats.answers.items():
            key = f"{kind} {'no answer' if status == NO_ANSWER else 'cut off' if status == CUT_OFF else status}"
            statuses[key] = statuses.get(key, 0) + n
    lines += ["", "answers by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))]
    totals = {k: sum(r.writes.get(k, 0) for r in everything) for k in everything[0].writes} if everything else {}
    lines.append("writes checked on both servers: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    samples = [s for r in everything for s in r.stats.failure_samples][:8]
    if samples:
        lines.append("unexpected answers (first few): " + " | ".join(samples))
    last = everything[-1].replication if everything else {}
    lines.append(f"replication at the end: IO {last.get('io')}, SQL {last.get('sql')}, errors "
                 f"{last.get('last_io_errno')}/{last.get('last_sql_errno')}, lag {last.get('lag_s')}s, "
                 f"master {last.get('master_gtid')} / replica {last.get('replica_gtid')}")
    lines += ["", "targets:"]
    lines += [f"  [{'met' if ok else 'MISSED'}] {text}" for ok, text in targets(everything, hang_limit)]
    return "\n".join(lines)


def targets(results: list[DrillResult], hang_limit: float) -> list[tuple[bool, str]]:
    failed_reads = sum(r.stats.failed_reads() for r in results)
    failed_writes = sum(r.stats.failed_writes() for r in results)
    hung = sum(sum(r.stats.over_limit.values()) for r in results)
    half = sum(r.writes.get("lost", 0) + r.writes.get("refused_but_applied", 0) + r.writes.get("missing_on_replica", 0)
               for r in results)
    timings = [t for r in results for t in r.timings]
    late = [t.name for t in timings if t.recover_s is None or t.recover_s > t.recover_target_s]
    undetected = [t.name for t in timings if t.detect_s is None]
    replicating = all(r.replication.get("io") == "Yes" and r.replication.get("sql") == "Yes" for r in results)
    return [
        (failed_reads == 0,
         f"zero failed reads (lookups and exports) while at least one server is up ({failed_reads})"),
        (failed_writes == 0, f"every write answered 201 or 503 ({failed_writes} other)"),
        (hung == 0, f"no read or write took longer than {hang_limit:.0f}s ({hung})"),
        (half == 0, f"no acknowledged write lost, none refused but applied ({half})"),
        (not late, "recovery within the offline window plus one check interval" + (f" (late: {late})" if late else "")),
        (not undetected, "every fault seen by the stack" + (f" (not seen: {undetected})" if undetected else "")),
        (replicating, "replication running after every drill"),
    ]
