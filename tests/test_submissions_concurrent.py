"""Many people sending callback requests at once: every one stored, each with its own reference, each with
one notice to the team. Runs on SQLite, and on PostgreSQL when PORTAL_TEST_DATABASE_URL is set."""
from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from portal.outbox import OutboxMessage

from form_support import REFERENCE, callback_data, callbacks_where, new_address, objects, resident, soup, words

REQUESTS = 200
WORKERS = 20


def test_200_parallel_callback_requests_are_all_stored_once(app):
    run = uuid.uuid4().hex[:8]
    names = [f"Concurrent {run} {n:03d}" for n in range(REQUESTS)]

    def worker(worker_names: list[str]) -> list[tuple[str, int, str | None]]:
        client = resident(app)
        results = []
        for name in worker_names:
            # Each request from its own address: the per-address limits are not what is tested here.
            client.environ_base["REMOTE_ADDR"] = new_address()
            page = client.get("/en/callback")
            data = callback_data(page, "en", name=name, phone=f"040 {100 + len(results)} {1000 + len(results)}",
                                 call_language="fi")
            response = client.post("/en/callback", data=data)
            reference = None
            if response.status_code == 303:
                sent = client.get("/en/callback/sent")
                reference = words(soup(sent).select_one(".reference")) if sent.status_code == 200 else None
            results.append((name, response.status_code, reference))
        return results

    started = time.monotonic()
    with ThreadPoolExecutor(WORKERS) as pool:
        batches = pool.map(worker, [names[i::WORKERS] for i in range(WORKERS)])
        results = [result for batch in batches for result in batch]
    elapsed = time.monotonic() - started

    assert sorted(status for _, status, _ in results) == [303] * REQUESTS
    stored = callbacks_where(app, lambda found: (found.name or "").startswith(f"Concurrent {run} "))
    assert len(stored) == REQUESTS
    assert sorted(r.name for r in stored) == names
    references = {r.reference for r in stored}
    assert len(references) == REQUESTS and all(REFERENCE.match(r) for r in references)
    assert len({r.submission for r in stored}) == REQUESTS
    # Each person saw the reference of their own request.
    by_name = {r.name: r.reference for r in stored}
    assert all(reference == by_name[name] for name, _, reference in results)

    subjects = [message.subject for message in objects(app, select(OutboxMessage))]
    for reference in references:
        assert sum(reference in subject for subject in subjects) == 1
    assert elapsed < 60, f"{REQUESTS} submissions took {elapsed:.1f} s"
