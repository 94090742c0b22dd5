"""Two versions of the code, the same catalogue pages, in turn: what a change did to the cost of a page.

    .venv/bin/python benchmarks/render_ab.py --before f448296 [--after HEAD] [--size 10000] [--rounds 15]

Each version (a git revision exported with `git archive`, or the working tree when --after is left
out) gets its own process, its own SQLite database in a temporary folder (migrated, the demo
catalogue and `--size` synthetic activities, loaded by that version) and its compiled translations.
Both processes are pinned to one core when the OS allows, and the parent sends each request to one
version and then the other (the order alternating round by round), so that both are measured at
the same moments of a busy machine. Each catalogue page is asked for with the cache emptied first
(uncached: cards, counts and whole pages drawn anew) and with it kept (cached).

Printed: the median CPU time in ms of each page and case for both versions, as a multiple of the same
version's /healthz, and after / before. CPU time, not wall time: other processes on the core stretch
wall times far more than they stretch the process's own work.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/fi/activities",
    "/fi/activities?category=exercise&district=eastern&price=free",
    "/sv/activities?day=tue&time=morning&language=sv",
    "/en/activities?access=wheelchair",
    "/fi/activities?q=tuoli",
    "/fi/activities?near=00530&sort=nearest",
    "/fi/activities?page=5",
]

# Runs inside each version's own tree: loads its database, then answers "URL uncached|cached" lines
# with [CPU ms, wall ms, status].
WORKER = r"""
import datetime as dt, json, os, sys, time
sys.path.insert(0, os.getcwd())
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
from alembic import command
from portal import cache, create_app, db
from portal.cli import alembic_config
from portal.demo.loader import load_demo
from portal.demo.synthetic import generate
app = create_app(test_config={"DATABASE_URL": os.environ["BENCH_URL"], "SESSION_COOKIE_SECURE": False})
with app.app_context():
    command.upgrade(alembic_config(), "head")
    load_demo(db.session(), dt.date.today())
    db.session().commit()
    generate(db.session(), int(os.environ["BENCH_SIZE"]))
    db.session().commit()
client = app.test_client()
print(json.dumps("ready"), flush=True)
for line in sys.stdin:
    url, case = line.split()
    if case == "uncached":
        with app.app_context():
            cache.clear()
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.get(url)
    response.get_data()
    print(json.dumps([(time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000,
                      response.status_code]), flush=True)
"""


def _tree(revision: str | None, into: Path) -> Path:
    """The code of `revision` exported into `into` (translations compiled), or the working tree."""
    if revision is None:
        return ROOT
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", "compile", "--use-fuzzy", "-d",
                    str(into / "portal" / "translations")], check=True)
    return into


def _pin() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="git revision measured first (e.g. a commit before a change)")
    parser.add_argument("--after", help="git revision to compare with it (default: the working tree)")
    parser.add_argument("--size", type=int, default=10_000, help="synthetic activities beside the demo (default 10000)")
    parser.add_argument("--rounds", type=int, default=15, help="measured requests per page, case and version")
    args = parser.parse_args()

    _pin()  # the children inherit the core
    with tempfile.TemporaryDirectory(prefix="render-ab-") as name:
        tmp = Path(name)
        versions = {"before": args.before, "after": args.after}
        workers = {}
        for label, revision in versions.items():
            tree = _tree(revision, tmp / label)
            env = {**os.environ, "BENCH_URL": f"sqlite:///{tmp}/{label}.sqlite3", "BENCH_SIZE": str(args.size)}
            workers[label] = subprocess.Popen([sys.executable, "-c", WORKER], cwd=tree, env=env, text=True,
                                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for worker in workers.values():
            assert json.loads(worker.stdout.readline()) == "ready"

        def ask(label: str, url: str, case: str) -> float:
            worker = workers[label]
            worker.stdin.write(f"{url} {case}\n")
            worker.stdin.flush()
            cpu, _wall, status = json.loads(worker.stdout.readline())
            if status != 200:
                raise SystemExit(f"{label}: {url} answered {status}")
            return cpu

        cases = [("/healthz", "cached")] + [(url, case) for url in PAGES for case in ("uncached", "cached")]
        for url, _case in cases:  # warm-up: templates compiled, caches filled
            for label in workers:
                for _ in range(3):
                    ask(label, url, "cached")
        cpu: dict[tuple[str, str, str], list[float]] = {}
        for n in range(args.rounds):
            for url, case in cases:
                for label in (("before", "after") if n % 2 == 0 else ("after", "before")):
                    cpu.setdefault((label, url, case), []).append(ask(label, url, case))
        for worker in workers.values():
            worker.stdin.close()
            worker.wait()

    median = {key: statistics.median(values) for key, values in cpu.items()}
    hz = {label: median[(label, "/healthz", "cached")] for label in versions}
    print(f"{args.size:,} synthetic activities + demo, SQLite, {args.rounds} rounds; before = {args.before}, "
          f"after = {args.after or 'working tree'}")
    print("Median CPU ms per request; x hz = as a multiple of the same version's /healthz")
    print(f"{'URL':62} {'case':9} {'before':>7} {'x hz':>5} {'after':>7} {'x hz':>5} {'after/before':>12}")
    for url, case in cases:
        b, a = median[("before", url, case)], median[("after", url, case)]
        print(f"{url[:62]:62} {case:9} {b:7.2f} {b / hz['before']:5.1f} {a:7.2f} {a / hz['after']:5.1f} "
              f"{a / b:12.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
