"""500 people ask for a callback at the same moment: are all 500 stored, none lost, no server error?

Starts gunicorn (several workers, as in production) on a free local port with a fresh database —
SQLite in a temporary folder, or PostgreSQL with --database-url — then 500 clients each open the
form and send it at once. Each client comes from its own address (X-Forwarded-For through one
trusted proxy), as people do, so the per-address rate limits do not apply across them.

With a fault, the same burst is sent while a gunicorn worker is killed (SIGKILL) or while the
database is restarted. The restart happens only on a private PostgreSQL cluster that this script
creates in a temporary folder, on its own port, and deletes at the end; the shared server is never
touched. A client whose send fails (a 5xx or a dropped connection) sends the form once more, as a
person presses the button again, and the run counts what was confirmed, stored, lost and doubled.

    .venv/bin/python benchmarks/submissions.py [--clients 500] [--workers 4] [--database-url URL]
    .venv/bin/python benchmarks/submissions.py --fault kill-worker [--private-postgres]
    .venv/bin/python benchmarks/submissions.py --fault restart-database
    .venv/bin/python benchmarks/submissions.py --all          # the two normal runs and the three fault runs
"""
from __future__ import annotations

import argparse
import glob
import http.client
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
DATA_KEY = "oRFpDXmjM2c7ZGHx0-8S4z8xrTVR1pRj9WgRnqvU-OU="
PRIVATE_PORT = 55432
# Faults are timed by the share of first POSTs answered: workers are killed at --kills points spread
# evenly from 15 % to 75 %; the database is stopped at --restart-at (0.2: while saves are arriving;
# 1.0: once every save is answered, while the confirmation pages queued behind them are loading).


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def export_commit(commit: str, folder: Path) -> Path:
    """The app as committed, so that half-done edits in the shared working tree are not measured."""
    folder.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True, timeout=120).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True, timeout=120)
    # Compiled catalogues are not in git; the modules under `folder` come before the editable install.
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "--use-fuzzy", "-d",
                    "portal/translations"], cwd=folder, check=True, capture_output=True, timeout=120)
    return folder


def prepare_database(env: dict, source: Path) -> None:
    for command in (["db", "upgrade"], ["demo", "load"]):
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *command], cwd=source, env=env,
                              capture_output=True, text=True, timeout=600, check=False)
        if done.returncode:
            sys.exit(f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}")


# --- A private PostgreSQL cluster --------------------------------------------------------------

class PrivatePostgres:
    """initdb into a temporary folder, listening on 127.0.0.1 only, on a port of its own.
    PostgreSQL refuses to run as root, so as root the cluster runs as `nobody`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.bin = self._find_bin()
        self.port = PRIVATE_PORT if port_is_free(PRIVATE_PORT) else free_port()
        self.as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/bench"

    @staticmethod
    def _find_bin() -> Path:
        for candidate in [Path("/usr/local/bin/initdb"),
                          *sorted(Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin/initdb"))[::-1]]:
            if candidate.exists():
                return candidate.resolve().parent
        if found := shutil.which("initdb"):
            return Path(found).resolve().parent
        sys.exit("No initdb found (looked in /usr/local/bin and /usr/lib/postgresql/*/bin).")

    def _run(self, *command: str, timeout: float = 120) -> None:
        done = subprocess.run([*self.as_user, str(self.bin / command[0]), *command[1:]], timeout=timeout, check=False,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{command[0]} {command[-1]} failed: {done.stdout[-2000:]}\n{log}")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o",
                  f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def __enter__(self) -> Self:
        self.folder.mkdir()
        if self.as_user:
            # nobody may pass through the temporary folder (to its own subfolder), not list or read it.
            os.chmod(self.folder.parent, 0o711)  # noqa: S103
            shutil.chown(self.folder, "nobody")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale")
        try:
            self.start()
        except RuntimeError:
            # Someone took the port between the check and the start: once more on a port nobody has.
            self.port = free_port()
            self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/bench"
            self.start()
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CREATE DATABASE bench"))
        engine.dispose()
        return self

    def __exit__(self, *_exc) -> None:
        try:
            self.stop("fast")
        except (RuntimeError, subprocess.SubprocessError, OSError):
            self.stop("immediate")


def empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


# --- One person ----------------------------------------------------------------------------------

class FormReader(HTMLParser):
    """The hidden fields of the callback form (the one with a phone field), whatever their order or
    number: a browser sends them all back."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[dict, set]] = []
        self._current: tuple[dict, set] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = ({}, set())
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and attrs.get("name"):
            self._current[1].add(attrs["name"])
            if attrs.get("type") == "hidden":
                self._current[0][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def callback_form_hidden_fields(page: str) -> dict | None:
    reader = FormReader()
    reader.feed(page)
    return next((hidden for hidden, names in reader.forms if "phone" in names), None)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """The client follows the 303 itself, so a failing confirmation page is told apart from a failing save."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Attempt:
    kind: str  # confirmed, honest (503, the form kept), 503 bare (503 without the form), 5xx, dropped, other
    status: int | None  # the status that decided the kind (None: the connection dropped)
    where: str          # "send" (the POST) or "confirmation" (the page after the 303)
    seconds: float
    reference: str | None = None
    same_tokens: bool = True


@dataclass
class Person:
    number: int
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def final(self) -> Attempt:
        return self.attempts[-1]


REFERENCE = re.compile(r'class="reference"[^>]*>\s*([^<]*?)\s*<')
DROPPED = (http.client.HTTPException, ConnectionError, TimeoutError, socket.timeout, urllib.error.URLError)


def post(opener, request: urllib.request.Request, answered):
    """The POST; `answered` is told when it is over, however it ended (faults are timed by it)."""
    try:
        return opener.open(request, timeout=120)
    finally:
        answered()


def send_once(opener, base: str, headers: dict, body: bytes, name: str, answered=lambda: None
              ) -> tuple[Attempt, str | None]:
    """One press of the button: the POST and, after a 303, the confirmation page.
    Returns the attempt and the page that was shown (None if the connection dropped)."""
    began = time.perf_counter()
    where = "send"
    try:
        try:
            response = post(opener, urllib.request.Request(f"{base}/fi/callback", data=body, headers=headers), answered)
            page, status = response.read().decode(), response.status
        except urllib.error.HTTPError as error:
            if error.code != 303:
                page = error.read().decode(errors="replace")
                error.close()
                seconds = time.perf_counter() - began
                if error.code == 503:
                    kept = f'value="{name}"' in page and "<form" in page
                    return Attempt("honest" if kept else "503 bare", 503, where, seconds), page
                return Attempt("5xx" if error.code >= 500 else "other", error.code, where, seconds), page
            # Read and close the redirect at once: a connection left open holds a sync worker until it gives up.
            error.read()
            error.close()
            where = "confirmation"
            location = urllib.parse.urljoin(f"{base}/fi/callback", error.headers["Location"])
            try:
                response = opener.open(urllib.request.Request(location, headers=headers), timeout=120)
                page, status = response.read().decode(), response.status
            except urllib.error.HTTPError as error:
                page = error.read().decode(errors="replace")
                error.close()
                kind = "503 bare" if error.code == 503 else "5xx" if error.code >= 500 else "other"
                return Attempt(kind, error.code, where, time.perf_counter() - began), page
    except DROPPED:
        return Attempt("dropped", None, where, time.perf_counter() - began), None
    except (UnicodeDecodeError, ValueError) as error:  # an unreadable answer is counted, not a crash of the run
        return Attempt("other", None, f"{where} ({type(error).__name__})", time.perf_counter() - began), None
    reference = REFERENCE.search(page)
    kind = "confirmed" if status == 200 and reference else "other"
    return Attempt(kind, status, where, time.perf_counter() - began, reference.group(1) if reference else None), page


def one_person(base: str, number: int, start: threading.Barrier, answered, retry_delay: float) -> Person:
    """Open the form, wait for everyone, send it; if that fails, wait a moment and press the button again
    on whatever the page then shows (the kept form after a 503, the same form after a dropped connection)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirects())
    address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256 or 1}"
    headers = {"X-Forwarded-For": address, "X-Forwarded-Proto": "http", "Referer": f"{base}/fi/callback"}
    try:
        form = opener.open(urllib.request.Request(f"{base}/fi/callback", headers=headers), timeout=60).read().decode()
        hidden = callback_form_hidden_fields(form)
        if not hidden or "csrf_token" not in hidden:
            raise RuntimeError("the callback form has no hidden CSRF token")
    except BaseException:
        start.abort()  # everyone else stops waiting: the run fails at once instead of hanging
        raise
    name = f"Benchmark Person {number}"
    typed = {"for_whom": "me", "name": name, "phone": f"040 {1000000 + number}", "call_language": "fi",
             "time_window": "any", "voicemail_ok": "no"}
    person = Person(number)
    start.wait(timeout=600)
    attempt, page = send_once(opener, base, headers, urllib.parse.urlencode({**hidden, **typed}).encode(), name,
                              answered)
    person.attempts.append(attempt)
    if attempt.kind != "confirmed" and attempt.kind != "other":
        time.sleep(retry_delay * random.uniform(0.75, 1.25))
        shown = callback_form_hidden_fields(page) if page else None
        again = {**hidden, **(shown or {})}
        attempt, _page = send_once(opener, base, headers, urllib.parse.urlencode({**again, **typed}).encode(), name)
        attempt.same_tokens = again == hidden
        person.attempts.append(attempt)
    return person


# --- Faults ----------------------------------------------------------------------------------------

class Progress:
    """How many first POSTs have been answered, so a fault can be injected in the middle of the burst, while
    saves are still arriving (the confirmation pages queue behind them)."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def answered(self) -> None:
        with self.changed:
            self.count += 1
            self.changed.notify_all()

    def wait_for(self, count: int, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count >= count, timeout)


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def kill_workers(master: int, kills: int, progress: Progress, clients: int, events: list[str],
                 began: list[float]) -> None:
    chooser = random.Random(7)
    for point in (0.15 + 0.6 * k / max(1, kills - 1) for k in range(kills)):
        progress.wait_for(int(clients * point), timeout=600)
        pids = worker_pids(master)
        if not pids:
            events.append("no worker found to kill")
            continue
        pid = chooser.choice(pids)
        os.kill(pid, signal.SIGKILL)
        events.append(f"worker {pid} killed (SIGKILL) at {time.perf_counter() - began[0]:.1f} s, "
                      f"after {progress.count} of {clients} first POSTs were answered")


def restart_database(cluster: PrivatePostgres, mode: str, outage: float, point: float, progress: Progress,
                     clients: int, events: list[str], began: list[float]) -> None:
    progress.wait_for(int(clients * point), timeout=600)
    at, answered = time.perf_counter() - began[0], progress.count
    cluster.stop(mode)
    stopped = time.perf_counter() - began[0]
    time.sleep(outage)
    cluster.start()
    events.append(f"database stopped (-m {mode}) at {at:.1f} s, after {answered} of {clients} first POSTs were "
                  f"answered; down from {stopped:.1f} s, accepting again at {time.perf_counter() - began[0]:.1f} s")


# --- Reading back what was stored --------------------------------------------------------------------

# Run with the app's own configuration and keys, so encrypted columns are read as the app reads them.
STORED_ROWS = """
import json
from sqlalchemy import select
from app import app
from portal import db
from portal.callback.models import CallbackRequest
with app.app_context():
    print(json.dumps([[r.id, r.reference, r.name] for r in db.session().scalars(select(CallbackRequest))]))
"""


def stored_rows(database: str) -> tuple[set[tuple[int, str]], int]:
    """Ids and references (plain columns, whatever else is encrypted) and the outbox size."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    with engine.connect() as connection:
        rows = {(row.id, row.reference)
                for row in connection.execute(text("SELECT id, reference FROM callback_request"))}
        outbox = connection.execute(text("SELECT count(*) FROM outbox_message")).scalar_one()
    engine.dispose()
    return rows, outbox


def stored_names(env: dict, source: Path) -> dict[int, str | None] | None:
    """id → name as the app decrypts it; None when the app could not read them (then doubles are not counted)."""
    result = subprocess.run([sys.executable, "-c", STORED_ROWS], check=False, cwd=source, env=env,
                            capture_output=True, text=True, timeout=300)
    if result.returncode:
        print("  (could not read names through the app: " + result.stderr.strip().splitlines()[-1] + ")")
        return None
    return {row[0]: row[2] for row in json.loads(result.stdout.strip().splitlines()[-1])}


EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Warning))(?::|$)", re.MULTILINE)
UNHANDLED_ON = re.compile(r"Exception on (\S+) \[(\w+)\]")


def exceptions_in(log: str) -> Counter:
    """Exception types (never their text: it can carry personal data) and the routes that raised them."""
    return Counter([*(f"{m.group(1)}" for m in EXCEPTION_LINE.finditer(log)),
                    *(f"unhandled on {m.group(2)} {m.group(1)}" for m in UNHANDLED_ON.finditer(log))])


PERSONAL = re.compile(r"Benchmark Person \d+|\+35840\d{7}|040 1\d{6}")


def personal_lines(path: Path, offset: int = 0) -> int:
    """Lines from `offset` on that carry a benchmark person's name or phone number."""
    try:
        with open(path, "rb") as log:
            log.seek(offset)
            return sum(1 for line in log.read().decode(errors="replace").splitlines() if PERSONAL.search(line))
    except OSError:
        return 0


# --- One run --------------------------------------------------------------------------------------

@dataclass
class RunResult:
    label: str
    ok: bool
    row: dict


def run(label: str, database: str, fault: str, restart_at: float, args, tmp: Path, cluster: PrivatePostgres | None,
        source: Path) -> RunResult:
    env = {**os.environ, "DATABASE_URL": database, "PORTAL_INSECURE_COOKIES": "1", "PORTAL_PROXIES": "1",
           "SECRET_KEY": "benchmark", "PORTAL_DATA_KEYS": DATA_KEY}
    env.pop("REDIS_URL", None)
    if database.startswith("postgresql"):
        empty_postgres(database)
    prepare_database(env, source)
    before, outbox_before = stored_rows(database)
    private = cluster if cluster and database == cluster.url else None
    database_log_offset = private.log.stat().st_size if private else 0
    app_log = tmp / f"gunicorn-{label}.log"
    port = free_port()
    with open(app_log, "wb") as log:
        # The log goes to a file: an unread pipe fills up under many errors and stalls the workers.
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                                   "--timeout", "120", "--backlog", "2048", "app:app"], cwd=source, env=env,
                                  stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    events: list[str] = []
    try:
        healthy = False
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
                healthy = True
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
        if not healthy:
            sys.exit("gunicorn did not start:\n" + app_log.read_text(errors="replace")[-3000:])
        progress = Progress()
        began = [0.0]
        # The clock starts as the barrier opens, not when this thread next gets the GIL among 500 others.
        barrier = threading.Barrier(args.clients + 1, action=lambda: began.__setitem__(0, time.perf_counter()))
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            futures = [pool.submit(one_person, base, n, barrier, progress.answered, args.retry_delay)
                       for n in range(args.clients)]
            barrier.wait(timeout=600)
            if fault == "kill-worker":
                kill_workers(server.pid, args.kills, progress, args.clients, events, began)
            elif fault == "restart-database" and cluster is not None:
                restart_database(cluster, args.restart_mode, args.outage, restart_at, progress, args.clients, events,
                                 began)
            people = [future.result(timeout=900) for future in futures]
        elapsed = time.perf_counter() - began[0]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
    after, outbox_after = stored_rows(database)
    new_rows = after - before
    names = stored_names(env, source)
    personal_in_logs = personal_lines(app_log) + (personal_lines(private.log, database_log_offset) if private else 0)
    return report(label, database, fault, args, people, new_rows, outbox_after - outbox_before, names, events,
                  elapsed, app_log, private, personal_in_logs)


def client_of(name: str | None) -> int | None:
    match = re.fullmatch(r"Benchmark Person (\d+)", name or "")
    return int(match.group(1)) if match else None


def report(label, database, fault, args, people: list[Person], new_rows, outbox, names, events, elapsed, app_log,
           cluster, personal_in_logs) -> RunResult:
    references = {reference: row_id for row_id, reference in new_rows}
    attempts = [attempt for person in people for attempt in person.attempts]
    confirmed = [p for p in people if p.final.kind == "confirmed"]
    missing = [p for p in confirmed if p.final.reference not in references]
    rows_of: dict[int | None, list[int]] = {}
    wrong = doubled = None
    if names is not None:
        for row_id, _reference in new_rows:
            rows_of.setdefault(client_of(names.get(row_id)), []).append(row_id)
        doubled = sum(len(ids) - 1 for number, ids in rows_of.items() if number is not None)
        wrong = [p for p in confirmed if p.final.reference in references
                 and client_of(names.get(references[p.final.reference])) != p.number]
    shown = Counter(p.final.reference for p in confirmed)
    shared = [p for p in confirmed if shown[p.final.reference] > 1]
    stored_people = {number for number in rows_of if number is not None}
    honest_but_stored = [p for p in people if p.final.kind == "honest" and p.number in stored_people]
    unanswered = [p for p in people if p.final.kind not in ("confirmed", "honest")]
    kinds = Counter(attempt.kind for attempt in attempts)
    server_errors = Counter(f"{a.status} on the {a.where} page" for a in attempts if a.kind == "5xx")
    bare = Counter(f"on the {a.where} page" for a in attempts if a.kind == "503 bare")
    typed_lost = bare["on the send page"]
    others = Counter(f"{a.status} on the {a.where} page" for a in attempts if a.kind == "other")
    dropped = Counter(f"on the {a.where} page" for a in attempts if a.kind == "dropped")
    retries = [p.attempts[1] for p in people if len(p.attempts) > 1]
    log_text = app_log.read_text(errors="replace")
    tracebacks = log_text.count("Traceback")
    exceptions = exceptions_in(log_text)
    first_times = sorted(p.attempts[0].seconds for p in people)
    engine = database.split(":", 1)[0] + (f" (private cluster on 127.0.0.1:{cluster.port})" if cluster else "")

    print(f"\n== {label}: engine {engine}, gunicorn workers: {args.workers}, clients sending at once: {args.clients}, "
          f"fault: {fault}")
    for event in events:
        print(f"   {event}")
    lines = [
        ("sent", (f"{len(people)}  (+ {len(retries)} sent again after a failure, "
                  f"{sum(1 for a in retries if not a.same_tokens)} of them with tokens from the page shown)")),
        ("confirmed (200, confirmation page with a reference)", len(confirmed)),
        ("stored (new rows, counted by id and reference)", len(new_rows)),
        ("confirmed but missing", len(missing)),
        ("doubled (extra rows for the same person)", "n/a" if doubled is None else doubled),
        ("shown someone else's reference", "n/a" if wrong is None else len(wrong)),
        ("shown a reference that someone else was shown too", len(shared)),
        ("5xx other than 503", f"{kinds['5xx']}  {dict(server_errors) or ''}"),
        ("refused honestly (503, the form kept)", kinds["honest"]),
        ("503 without the form", f"{kinds['503 bare']}  {dict(bare) or ''}"),
        ("other refusals", f"{kinds['other']}  {dict(others) or ''}"),
        ("connections dropped", f"{kinds['dropped']}  {dict(dropped) or ''}"),
        ("left without an answer (no confirmation, no honest refusal)", len(unanswered)),
        ("refused in the end, yet stored", len(honest_but_stored)),
        ("team notices queued (outbox)", outbox),
        ("tracebacks in the app log", f"{tracebacks}  {dict(exceptions) or ''}"),
        ("log lines with a name or phone number (app + database)", personal_in_logs),
    ]
    width = max(len(name) for name, _ in lines)
    for name, value in lines:
        print(f"   {name:<{width}}  {value}")
    print(f"   first send: median {statistics.median(first_times):.2f} s, "
          f"p95 {first_times[int(len(first_times) * 0.95) - 1]:.2f} s, max {first_times[-1]:.2f} s; "
          f"whole run {elapsed:.1f} s")
    for title, group in (("confirmed but missing", missing), ("shown someone else's reference", wrong or []),
                         ("left without an answer", unanswered)):
        if group:
            print(f"   {title}: " + "; ".join(
                f"client {p.number}: " + " then ".join(f"{a.kind} {a.status or ''} ({a.where})".replace("  ", " ")
                                                       for a in p.attempts) for p in group[:10]))
    if fault == "none":
        ok = (kinds["confirmed"] == len(attempts) == args.clients
              and len(new_rows) == args.clients == len(confirmed) == outbox
              and not missing and not wrong and not shared)
        verdict = f"budget {args.clients} stored, none lost, no server error"
    else:
        ok = (not missing and not wrong and not shared and not doubled and not kinds["5xx"] and not typed_lost
              and not unanswered and not honest_but_stored and outbox == len(new_rows) and not personal_in_logs)
        verdict = ("no confirmed request missing, none doubled, nobody shown another's reference, no 5xx but "
                   "a 503, no send answered without the form, everyone confirmed or honestly refused in the end, "
                   "a team notice for every stored request, no personal data in the logs")
    print(("   PASS" if ok else "   FAIL") + f": {verdict}")
    row = {"sent": len(people), "again": len(retries), "confirmed": len(confirmed), "stored": len(new_rows),
           "confirmed but missing": len(missing), "doubled": "n/a" if doubled is None else doubled,
           "wrong reference": len({p.number for p in [*(wrong or []), *shared]}),
           "5xx (not 503)": kinds["5xx"], "refused honestly": kinds["honest"], "503 without form": kinds["503 bare"],
           "other refusals": kinds["other"],
           "dropped": kinds["dropped"], "result": "PASS" if ok else "FAIL"}
    return RunResult(label, ok, row)


def summary(results: list[RunResult]) -> None:
    columns = ["run", *results[0].row]
    cells = [[r.label, *(str(v) for v in r.row.values())] for r in results]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("\n| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


@contextmanager
def maybe_cluster(needed: bool, tmp: Path):
    if not needed:
        yield None
        return
    with PrivatePostgres(tmp / "postgres") as cluster:
        yield cluster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test (emptied!)")
    parser.add_argument("--fault", choices=("none", "kill-worker", "restart-database"), default="none")
    parser.add_argument("--private-postgres", action="store_true",
                        help="run on a PostgreSQL cluster of the script's own (implied by --fault restart-database)")
    parser.add_argument("--all", action="store_true", help="normal runs on SQLite and private PostgreSQL, killed "
                        "workers on both, database restarts on private PostgreSQL during the saves and after them")
    parser.add_argument("--commit", help="measure this commit (e.g. HEAD, exported with git archive) instead of "
                        "the working tree")
    parser.add_argument("--keep-logs", type=Path, help="copy the gunicorn and PostgreSQL logs into this folder")
    parser.add_argument("--restart-mode", choices=("fast", "immediate"), default="fast",
                        help="pg_ctl stop mode: fast ends sessions cleanly, immediate is a crash with recovery")
    parser.add_argument("--kills", type=int, default=5, help="workers killed one after another in a kill-worker run")
    parser.add_argument("--restart-at", type=float, default=0.2,
                        help="share of first POSTs answered when the database is stopped (0 to 1)")
    parser.add_argument("--outage", type=float, default=2.0, help="seconds the database stays down")
    parser.add_argument("--retry-delay", type=float, default=5.0,
                        help="seconds before a person presses the button again after a failure")
    args = parser.parse_args()
    if args.database_url and (args.all or args.private_postgres or args.fault == "restart-database"):
        parser.error("a database restart and --all use a private cluster: leave out --database-url")
    if args.all:
        plan = [("sqlite", "sqlite", "none", 0), ("postgres", "private", "none", 0),
                ("sqlite+kill-worker", "sqlite", "kill-worker", 0),
                ("postgres+kill-worker", "private", "kill-worker", 0),
                ("postgres+restart-database", "private", "restart-database", args.restart_at),
                ("postgres+restart-database-late", "private", "restart-database", 1.0)]
    else:
        where = ("private" if args.private_postgres or args.fault == "restart-database"
                 else "given" if args.database_url else "sqlite")
        plan = [(("sqlite" if where == "sqlite" else "postgres") + ("" if args.fault == "none" else f"+{args.fault}"),
                 where, args.fault, args.restart_at)]
    results = []
    with tempfile.TemporaryDirectory(prefix="portal-submissions-") as tmp_name:
        tmp = Path(tmp_name)
        source = export_commit(args.commit, tmp / "source") if args.commit else ROOT
        if args.commit:
            print(f"measuring commit {args.commit} = "
                  + subprocess.run(["git", "log", "-1", "--format=%h %s", args.commit], cwd=ROOT, capture_output=True,
                                   text=True, check=True).stdout.strip())
        with maybe_cluster(any(where == "private" for _l, where, _f, _r in plan), tmp) as cluster:
            for number, (label, where, fault, restart_at) in enumerate(plan):
                database = {"sqlite": f"sqlite:///{tmp}/bench-{number}.sqlite3", "given": args.database_url,
                            "private": cluster.url if cluster else None}[where]
                results.append(run(label, database, fault, restart_at, args, tmp, cluster, source))
            if args.keep_logs:
                args.keep_logs.mkdir(parents=True, exist_ok=True)
                for log in [*tmp.glob("gunicorn-*.log"), *(tmp / "postgres").glob("*.log")]:
                    shutil.copy(log, args.keep_logs / log.name)
    if len(results) > 1:
        summary(results)
    sys.exit(0 if all(r.ok for r in results) else 1)


if __name__ == "__main__":
    main()
