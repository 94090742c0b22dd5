"""Many people sending callback requests at once: every one stored, each with its own reference, each with
one notice to the team. Runs on SQLite, and on PostgreSQL when PORTAL_TEST_DATABASE_URL is set."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from form_support import (
    REFERENCE,
    callback_data,
    callbacks_where,
    hidden_fields,
    new_address,
    objects,
    resident,
    soup,
    words,
)
from sqlalchemy import select

from portal.outbox import OutboxMessage

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

    with ThreadPoolExecutor(WORKERS) as pool:
        batches = pool.map(worker, [names[i::WORKERS] for i in range(WORKERS)])
        results = [result for batch in batches for result in batch]

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
    # (How long this takes is measured by benchmarks/submissions.py, not asserted here.)


DOUBLE_CLICKERS = 30


def test_double_clicks_and_forged_tokens_at_once(app):
    """Thirty people each send their form twice at the same moment while a robot posts the same forms
    with empty and made-up tokens: one record each, each shown their own reference, the robot none."""
    run = uuid.uuid4().hex[:8]
    people = []
    for n in range(DOUBLE_CLICKERS):
        client = resident(app)
        page = client.get("/en/callback")
        people.append((client, callback_data(page, "en", name=f"Double {run} {n:02d}", phone="040 123 4567")))

    def send(job):
        kind, client, data = job
        if kind == "robot":
            # Its own session and CSRF token, with the person's answers and an empty, a made-up, or
            # the person's own (another session's) submission token.
            robot = resident(app)
            own = hidden_fields(robot.get("/en/callback"), "/en/callback")
            token = ("", data["submission"][:-4] + "AAAA", data["submission"])[int(data["name"][-2:]) % 3]
            response = robot.post("/en/callback", data={**data, "csrf_token": own["csrf_token"], "submission": token})
            return kind, data["name"], response.status_code, robot.get("/en/callback/sent").status_code
        response = client.post("/en/callback", data=data)
        return kind, data["name"], response.status_code, None

    jobs = [(kind, client, data) for client, data in people for kind in ("first", "second", "robot")]
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(send, jobs))

    assert all(status == 303 for kind, _, status, _ in outcomes if kind != "robot")
    # The robot's posts are shown the form again and never reach a confirmation page.
    assert all(status == 200 and sent == 302 for kind, _, status, sent in outcomes if kind == "robot")
    stored = callbacks_where(app, lambda found: (found.name or "").startswith(f"Double {run} "))
    assert sorted(r.name for r in stored) == sorted(data["name"] for _, data in people)
    by_name = {r.name: r.reference for r in stored}
    for client, data in people:
        sent = client.get("/en/callback/sent")
        assert words(soup(sent).select_one(".reference")) == by_name[data["name"]]
