"""Index writers at once: several workers' in-request roll-forward and the scheduled full refresh,
all on one PostgreSQL database, for a fixed time. Prints how many turns each kind took, how many a
roll-forward skipped because another writer held the lock, and how many failed (the aim: none).

    PORTAL_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_index \\
        .venv/bin/python benchmarks/index_refresh.py [--workers 4] [--seconds 20]

The database is emptied and migrated, and the demo catalogue loaded into it: never point this at a
database whose data matters.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text, update
from sqlalchemy.orm import Session, sessionmaker


def prepare(url: str):
    from alembic import command

    from portal import create_app, db as portal_db
    from portal.cli import alembic_config
    from portal.demo.loader import load_demo

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark"})
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        with portal_db.transaction() as session:
            load_demo(session, dt.date.today())
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    url = os.environ.get("PORTAL_BENCH_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("Set PORTAL_BENCH_DATABASE_URL to a PostgreSQL database of its own.")

    from portal.catalogue import indexing, schedule
    from portal.catalogue.models import ActivityIndex
    from portal.db import make_engine

    app = prepare(url)
    stop = time.monotonic() + args.seconds
    lock = threading.Lock()
    figures = {"roll-forward turns": 0, "rows rolled forward": 0, "turns skipped (lock held)": 0,
               "full refreshes": 0, "failures": 0}
    failures: list[str] = []

    def count(key: str, n: int = 1) -> None:
        with lock:
            figures[key] += n

    def worker() -> None:
        engine = make_engine(url)  # each worker process has its own pool
        make = sessionmaker(engine)
        while time.monotonic() < stop:
            with Session(engine) as session:  # time passes: some "next times" are in the past again
                indexing.lock_index(session)  # standing in for the clock, as an index writer like the others
                session.execute(update(ActivityIndex).where(ActivityIndex.activity_id % 7 == int(time.time()) % 7)
                                .values(next_start=dt.datetime(2000, 1, 1)))
                session.commit()
            try:
                with app.app_context():
                    done = indexing.roll_forward_apart(make, schedule.local_now())
                count("roll-forward turns")
                count("rows rolled forward", done) if done else count("turns skipped (lock held)")
            except Exception as error:  # counted, not hidden
                count("failures")
                failures.append(type(error).__name__)
        engine.dispose()

    def cron() -> None:
        engine = make_engine(url)
        while time.monotonic() < stop:
            with Session(engine) as session:
                try:
                    with app.app_context():
                        indexing.refresh(session, schedule.local_now(), stale_only=False)
                    count("full refreshes")
                except Exception as error:
                    count("failures")
                    failures.append(type(error).__name__)
        engine.dispose()

    threads = [threading.Thread(target=worker) for _ in range(args.workers)] + [threading.Thread(target=cron)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    app.extensions["db_engine"].dispose()
    print(f"{args.workers} workers and one full refresh loop for {args.seconds:g} s on PostgreSQL:")
    for key, value in figures.items():
        print(f"  {key:28} {value}")
    if failures:
        print("  failure kinds:", ", ".join(sorted(set(failures))))


if __name__ == "__main__":
    main()
