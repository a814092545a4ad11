"""Registration under load: many residents registering at once, on loopback, embedded SQLite.

    python -m pip install -e '.[production]'   # the production server, granian
    python benchmarks/registration_load.py [--registrations 3000] [--clients 32] [--server auto]

It builds a fresh instance in a temporary folder (SQLite file, migrated with Alembic), prepares
a panel with open registration and enough letters, starts the app in the production WSGI server
(granian, as the README runs it; --server gunicorn or werkzeug to compare) in a
subprocess on 127.0.0.1, and runs a fixed number of registrations from concurrent clients
(browsers on one asyncio loop, raw HTTP/1.1 with keep-alive: registration_clients.py, cheap
because it shares the cores with the server). Each registration is what a browser does: GET the form (session
cookie, CSRF token, timing token), then POST it. The only differences from production are the
two benchmark flags in the app's config: REGISTRATION_MIN_SECONDS=0 (a script answers faster
than the 3 s a person needs) and RATELIMIT_ENABLED=False (every client shares one address).

It prints throughput (registrations/s), POST latency percentiles, and checks that the database
holds exactly as many volunteers (and counted letters and queued emails) as POSTs accepted.
Bounded: a fixed number of requests, a per-request timeout and an overall deadline.
Target: >= 300 registrations/s with p99 <= 200 ms (POST).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import registration_clients  # noqa: E402 - after the path is set

SHORT_CODE = "bench-panel"
DATES = ["2026-03-07", "2026-03-21", "2026-04-11"]
CATEGORIES = [
    {"key": "age", "question": "How old are you?", "options": [
        {"value": "16-29", "label": "16 to 29"}, {"value": "30-44", "label": "30 to 44"},
        {"value": "45-64", "label": "45 to 64"}, {"value": "65+", "label": "65 or older"}]},
    {"key": "gender", "question": "What is your gender?", "options": [
        {"value": "woman", "label": "Woman"}, {"value": "man", "label": "Man"},
        {"value": "other", "label": "I describe myself in another way"}]},
    {"key": "tenure", "question": "Do you own or rent your home?", "options": [
        {"value": "owner", "label": "I own it"}, {"value": "renter", "label": "I rent it"},
        {"value": "social", "label": "Social housing"}]},
]
REQUEST_TIMEOUT = 30
DEADLINE = 600


def bench_config(instance: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/panels.sqlite",
        "SECRET_KEY": "benchmark-secret-key",
        "SESSION_COOKIE_SECURE": False,  # plain http on loopback
        "MAIL_SERVER": None,  # messages wait in the outbox
        "REGISTRATION_MIN_SECONDS": 0,  # benchmark flag: scripts are faster than people
        "RATELIMIT_ENABLED": False,  # benchmark flag: every client has the same address
        "JOB_EXECUTOR": "thread",
    }


def wsgi_app():
    """The app as the server subprocess builds it (gunicorn: 'registration_load:wsgi_app()')."""
    import logging

    from panels import create_app

    app = create_app(bench_config(os.environ["PANELS_INSTANCE"]))
    logging.getLogger().setLevel(logging.WARNING)
    return app


# --- preparing the instance ------------------------------------------------------------------


def prepare(instance: str, letters: int) -> list[str]:
    """Migrate a fresh database and add an organisation, a panel, its settings and letters."""
    from flask_migrate import upgrade

    from lottery import codes
    from panels import create_app
    from panels.accounts.models import Organisation
    from panels.extensions import db
    from panels.invitations.models import Address, AddressRegister, Letter, Mailing
    from panels.panel.models import Panel
    from panels.pool.models import RegistrationSettings

    app = create_app(bench_config(instance))
    with app.app_context():
        upgrade()
        org = Organisation(name="Benchville", slug="benchville")
        db.session.add(org)
        db.session.flush()
        panel = Panel(organisation_id=org.id, title="Bench assembly", slug="bench", question="How?",
                      seats=40, status="recruiting")
        db.session.add(panel)
        db.session.flush()
        db.session.add(RegistrationSettings(
            panel_id=panel.id, short_code=SHORT_CODE, is_open=True, categories=CATEGORIES,
            session_dates=DATES, min_age=16, residence_rule="I live in Benchville",
            exclusions=["I am a city councillor"], privacy_notice="We use your answers for this panel.",
            retention_months=12, languages=["en", "es"], phone="0100 000 000"))
        register = AddressRegister(organisation_id=org.id, name="Bench", status="ready", households=letters)
        db.session.add(register)
        db.session.flush()
        mailing = Mailing(panel_id=panel.id, register_id=register.id, name="Bench letters", letter_text=".",
                          requested=letters, letters_count=letters, seed="bench", status="ready")
        db.session.add(mailing)
        db.session.flush()
        letter_codes = codes.generate_codes(letters)
        areas = ["North", "South", "East", "West", "Centre"]
        rows = [{"register_id": register.id, "line1": f"{i + 1} Bench Road", "town": "Benchville",
                 "postcode": f"BV{i % 9} {i % 97}", "area": areas[i % 5],
                 "household_key": f"{i + 1} bench road {i}"} for i in range(letters)]
        db.session.execute(Address.__table__.insert(), rows)
        ids = db.session.scalars(db.select(Address.id).where(Address.register_id == register.id)
                                 .order_by(Address.id)).all()
        db.session.execute(Letter.__table__.insert(), [
            {"mailing_id": mailing.id, "address_id": a, "panel_id": panel.id, "code": c,
             "area": areas[i % 5], "registrations": 0} for i, (a, c) in enumerate(zip(ids, letter_codes, strict=True))])
        db.session.commit()
        db.engine.dispose()
    return letter_codes


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str, instance: str, port: int, workers: int, threads: int, worker_class: str = "gthread"):
    env = {**os.environ, "PANELS_INSTANCE": instance, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), str(ROOT / "benchmarks"), os.environ.get("PYTHONPATH", "")])}
    if kind == "gunicorn":
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
                   "--worker-class", worker_class, "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                   "--backlog", "512", "--keep-alive", "5", "registration_load:wsgi_app()"]
    elif kind == "granian":
        command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", str(workers),
                   "--blocking-threads", str(threads), "--host", "127.0.0.1", "--port", str(port),
                   "--log-level", "warning", "--no-ws", "--factory", "registration_load:wsgi_app"]
    else:
        command = [sys.executable, str(Path(__file__).resolve()), "--serve", str(port)]
    process = subprocess.Popen(command, env=env, cwd=str(ROOT))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 60 s")


def serve_werkzeug(port: int) -> None:
    from werkzeug.serving import make_server

    os.environ.setdefault("PANELS_INSTANCE", tempfile.mkdtemp())
    server = make_server("127.0.0.1", port, wsgi_app(), threaded=True)
    server.serve_forever()


# --- the clients --------------------------------------------------------------------------------


def answers(number: int) -> dict:
    """What resident number `number` answers (the CSRF and timing tokens come from the page)."""
    return {
        "age_ok": "y", "residence_ok": "y", "exclusions_ok": "y",
        "cat_age": CATEGORIES[0]["options"][number % 4]["value"],
        "cat_gender": CATEGORIES[1]["options"][number % 3]["value"],
        "cat_tenure": CATEGORIES[2]["options"][number % 3]["value"],
        "availability": DATES, "support_needs": ["travel"] if number % 5 == 0 else [],
        "first_name": f"Resident{number}", "last_name": "Bench", "email": f"r{number}@example.org",
        "phone": "", "consent_privacy": "y", "hp_comment": "",
    }


def run_load(port: int, letter_codes: list[str], total: int, clients: int, first: int = 0) -> dict:
    """Register the first `total` codes; resident numbers start at `first`."""
    return registration_clients.run_load(port, SHORT_CODE, letter_codes[:total], lambda i: answers(first + i),
                                         clients, REQUEST_TIMEOUT, DEADLINE)


# --- where the time goes: CPU of the server, of the clients, and of the machine ---------------

TICK = os.sysconf("SC_CLK_TCK")


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of a process and its live children (gunicorn's workers)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / TICK
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(times.get(pid, 0.0) for pid in tree)


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / TICK, total / TICK


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def database_counts(instance: str) -> tuple[int, int, int]:
    with sqlite3.connect(f"{instance}/panels.sqlite") as conn:
        volunteers = conn.execute("SELECT count(*) FROM volunteer").fetchone()[0]
        counted = conn.execute("SELECT coalesce(sum(registrations), 0) FROM letter").fetchone()[0]
        emails = conn.execute("SELECT count(*) FROM outbox_message WHERE related_type = 'Volunteer'").fetchone()[0]
    return volunteers, counted, emails


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (connections)")
    parser.add_argument("--server", choices=["auto", "gunicorn", "granian", "werkzeug"], default="auto")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="server worker processes")
    # Few threads: more only fight over each process's GIL (measured: 2 beats 4 and 8 on 2 cores).
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (granian: blocking threads)")
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread",
                        help="gunicorn worker class (sync: no keep-alive, one request at a time per process)")
    parser.add_argument("--warmup", type=int, default=50, help="registrations before measuring")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # internal: werkzeug server
    args = parser.parse_args()
    if args.serve:
        serve_werkzeug(args.serve)
        return 0

    kind = args.server
    if kind == "auto":
        import importlib.util

        kind = next((name for name in ("granian", "gunicorn") if importlib.util.find_spec(name)), "werkzeug")
    instance = tempfile.mkdtemp(prefix="panels-bench-")
    process = None
    try:
        os.environ["PANELS_INSTANCE"] = instance
        t0 = time.perf_counter()
        letter_codes = prepare(instance, args.registrations + args.warmup)
        prepared = time.perf_counter() - t0
        port = free_port()
        process = start_server(kind, instance, port, args.workers, args.threads, args.worker_class)
        if args.warmup:
            run_load(port, letter_codes[args.registrations:], args.warmup, min(args.clients, 8),
                     first=args.registrations)
        before = database_counts(instance)
        server_cpu0, client_cpu0, machine0 = process_tree_cpu(process.pid), time.process_time(), machine_cpu()
        load = run_load(port, letter_codes[:args.registrations], args.registrations, args.clients)
        server_cpu = process_tree_cpu(process.pid) - server_cpu0
        client_cpu = time.process_time() - client_cpu0
        machine = tuple(b - a for a, b in zip(machine0, machine_cpu(), strict=True))
        after = database_counts(instance)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    results = load["results"]
    accepted = sum(1 for status, _, _ in results if status == 302)
    statuses: dict[int, int] = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    posts = [p for status, _, p in results if p]
    gets = [g for _, g, _ in results]
    new = tuple(a - b for a, b in zip(after, before, strict=True))
    throughput = accepted / load["elapsed"]
    p99_ms = percentile(posts, 99) * 1000
    figures = {
        "server": {"werkzeug": kind, "granian": f"granian {args.workers}x{args.threads}"}.get(
            kind, f"gunicorn {args.worker_class} {args.workers}x{args.threads}"),
        "database": "SQLite (embedded, WAL)", "cpus": os.cpu_count(), "clients": args.clients,
        "registrations": args.registrations, "prepare_s": round(prepared, 2),
        "elapsed_s": round(load["elapsed"], 2), "accepted": accepted, "statuses": statuses,
        "client_errors": len(load["failures"]),
        "registrations_per_s": round(throughput, 1),
        "post_ms": {p: round(percentile(posts, p) * 1000, 1) for p in (50, 90, 99)} |
                   {"max": round(max(posts, default=0) * 1000, 1), "mean": round(statistics.fmean(posts) * 1000, 1)
                    if posts else None},
        "get_ms": {p: round(percentile(gets, p) * 1000, 1) for p in (50, 99)},
        "db_new_volunteers": new[0], "db_new_letter_registrations": new[1], "db_new_emails": new[2],
        "server_cpu_ms_per_registration": round(server_cpu / max(1, len(results)) * 1000, 2),
        "client_cpu_ms_per_registration": round(client_cpu / max(1, len(results)) * 1000, 2),
        "machine_cpu_busy_pct": round(100 * machine[0] / machine[1], 1) if machine[1] else None,
        "machine_cpu_used_by_others_pct": round(100 * max(0.0, machine[0] - server_cpu - client_cpu) / machine[1], 1)
        if machine[1] else None,
    }
    cores = os.cpu_count() or 1
    per_registration = (server_cpu + client_cpu) / max(1, len(results))
    figures["cpu_bound_ceiling_per_s"] = round(cores / per_registration, 1) if per_registration else None
    print(json.dumps(figures, indent=2))
    consistent = new[0] == new[1] == new[2] == accepted
    print(f"\n{kind}: {args.registrations} registrations by {args.clients} clients in "
          f"{load['elapsed']:.1f} s = {throughput:.0f} registrations/s "
          f"(each a GET of the form and a POST); POST p50 {figures['post_ms'][50]} ms, "
          f"p99 {p99_ms:.0f} ms")
    print(f"database: {new[0]} volunteers, {new[1]} letter registrations, {new[2]} emails queued for "
          f"{accepted} accepted POSTs -> {'consistent' if consistent else 'MISMATCH'}")
    print(f"CPU per registration: server {figures['server_cpu_ms_per_registration']} ms + clients "
          f"{figures['client_cpu_ms_per_registration']} ms -> at most {figures['cpu_bound_ceiling_per_s']} "
          f"registrations/s on {cores} cores if nothing else ran; the machine was "
          f"{figures['machine_cpu_busy_pct']} % busy, {figures['machine_cpu_used_by_others_pct']} % of it by "
          "other processes")
    target = throughput >= 300 and p99_ms <= 200
    print(f"target (>= 300 registrations/s, POST p99 <= 200 ms): {'met' if target else 'NOT met'}")
    if load["failures"]:
        print("client errors (first 5):", load["failures"][:5])
    if args.keep:
        print("instance kept in", instance)
    else:
        shutil.rmtree(instance, ignore_errors=True)
    return 0 if consistent and not load["failures"] and accepted == args.registrations else 1


if __name__ == "__main__":
    raise SystemExit(main())
