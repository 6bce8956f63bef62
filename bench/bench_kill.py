"""kill -9 at random moments of a two-worker collect, resumed each time by the same command:
lost and duplicated captures, links and archived attachments against an uninterrupted run
(issue 16 "crash-safe from the first second"; tests/collect/test_kill_resume.py is the fast
subset in ``make test``). Not a test; run by hand:

    uv run python bench/bench_kill.py [KILLS] [--seed=N] [--pages=N] [--chains=N]

KILLS (default 12) kills are spread over CHAINS (default 3) folders. In each, the collect is
started and killed at a moment drawn uniformly from [0, T] after the start (T: the reference
run's wall time, so early moments — the first seconds, the workers' start-up — are as likely
as late ones), alternately the parent alone (its workers must die with it) and the whole
process group, again and again by the same command; after its share of kills (or when the
collect finished before the moment came) the same command runs to the end and the folder is
compared with the reference. Only kills that hit a running collect count.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "collect"))

from collect_server import SiteServer  # noqa: E402
from killtest import (  # noqa: E402
    build_network,
    command,
    compare,
    expected_attachments,
    facts,
    finish,
    kill,
    start,
)


def main(argv: list[str]) -> int:
    import tempfile

    kills_wanted = int(next((a for a in argv if a.isdigit()), "12"))
    seed = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--seed=")),
                random.SystemRandom().randrange(1 << 30))
    pages = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--pages=")), 60)
    chains = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--chains=")), 3)
    rng = random.Random(seed)
    server = SiteServer()
    server.thread.start()
    net = build_network(server, pages=pages)
    print(f"seed={seed} sites=4 pages/site={pages} attachments/site=6 workers=2", flush=True)
    totals = {"captures": [0, 0], "links": [0, 0], "attachments": [0, 0], "bodies": [0, 0]}
    with tempfile.TemporaryDirectory(prefix="gi-bench-kill-") as tmp:
        t0 = time.monotonic()
        finish(command(Path(tmp) / "ref", net))
        wall = time.monotonic() - t0
        reference = facts(Path(tmp) / "ref" / "out", server.port)
        assert reference["attachments"] == expected_attachments(net)
        print(f"reference: {sum(reference['captures'].values())} captures, "
              f"{sum(reference['links'].values())} links, "
              f"{sum(reference['attachments'].values())} attachments, {wall:.1f}s", flush=True)
        landed = chain = 0
        per_chain = max(1, -(-kills_wanted // chains))
        while landed < kills_wanted:
            chain += 1
            cmd = command(Path(tmp) / f"chain{chain}", net)
            moments = []
            while len(moments) < per_chain and landed < kills_wanted:
                at = rng.uniform(0.0, wall)
                proc = start(cmd)
                started = time.monotonic()
                while proc.poll() is None and time.monotonic() - started < at:
                    time.sleep(0.005)
                if proc.poll() is not None:  # finished before the moment came
                    assert proc.returncode == 0, proc.stderr.read().decode()
                    break
                group = len(moments) % 2 == 1
                kill(proc, group=group)
                if (Path(tmp) / f"chain{chain}" / "out" / "summary.json").exists():
                    break  # the kill came as it was exiting, its work done: no kill
                moments.append(f"{at:.2f}s{'(group)' if group else ''}")
                landed += 1
            else:
                finish(cmd)  # the same command, run to the end
            got = facts(Path(tmp) / f"chain{chain}" / "out", server.port)
            diff = compare(reference, got)
            for kind, (lost, dup) in diff.items():
                totals[kind][0] += lost
                totals[kind][1] += dup
            print(f"chain {chain}: {len(moments)} kills at {', '.join(moments) or '-'}; "
                  + "; ".join(f"{k} lost {lo} dup {du}" for k, (lo, du) in diff.items()),
                  flush=True)
    server.httpd.shutdown()
    print(f"total: {landed} kills in {chain} chains; "
          + "; ".join(f"{k} lost {lo} dup {du}" for k, (lo, du) in totals.items()))
    return 0 if all(v == [0, 0] for v in totals.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
