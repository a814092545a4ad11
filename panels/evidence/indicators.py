"""The feed's indicators: one function per indicator, each a plain aggregate number from a panel's data.

Never a name, an e-mail, a volunteer's id or a member's own words: counts, shares, means and days.
Each function returns the observations for one panel (none when the panel has not got that far);
``feed.run_feed`` turns them into evidence records using ``mapping.toml``. The tables of other areas
are read directly (read-only), so the feed does not depend on their services being finished.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..invitations.models import Letter
from ..panel.models import Panel
from ..pool.models import Volunteer
from ..recommendations.clock import Progress, Terms, add_months, deadlines
from ..recommendations.models import (
    FinalReport,
    GovernmentResponse,
    ImplementationResult,
    Milestone,
    ProgressReport,
    Recommendation,
)
from ..selection.models import SelectionRun, Target
from ..sessions.evaluations import MIN_ANSWERS
from ..sessions.models import ProgrammeSession, Speaker
from ..sessions.participation import Attendance, EvaluationResponse

POOL_STATUSES = ("pool", "selected", "confirmed", "reserve", "replaced", "declined")
PANEL_STATUSES = ("selected", "confirmed")
CHECKPOINTS = (3, 6, 12, 24)  # months after the report's delivery


@dataclass(frozen=True)
class Observation:
    """One value of an indicator for a panel; ``note`` is text the feed writes, never members' words."""

    value: float
    observed_on: date
    source_kind: str
    source_id: int
    source_url: str | None
    period: str = "all"
    note: str | None = None


INDICATORS: dict[str, Callable[[Panel, date], list[Observation]]] = {}


def indicator(key: str):
    def register(fn):
        INDICATORS[key] = fn
        return fn
    return register


def page(panel: Panel, *rules: str) -> str:
    """The first of these pages the application has (areas may not all be installed), else the panel's."""
    existing = {r.rule for r in current_app.url_map.iter_rules()}
    for rule in rules:
        if rule in existing:
            return rule.replace("<int:panel_id>", str(panel.id))
    return f"/panels/{panel.id}/"


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1)


# -- invitations and the pool: building coalitions, reaching residents the city does not usually hear

def _letters_by_area(panel: Panel) -> dict[str, tuple[int, int]]:
    rows = db.session.execute(select(Letter.area, Letter.registrations)
                              .where(Letter.panel_id == panel.id)).all()
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for area, registrations in rows:
        out[area][0] += 1
        out[area][1] += 1 if (registrations or 0) > 0 else 0
    return {area: (n, answered) for area, (n, answered) in out.items()}


def _registered_on(panel: Panel, today: date) -> date:
    """The day of the last registration (by letter, else by any channel), so the date does not move nightly."""
    last = db.session.scalar(select(Letter.first_registered_at).where(Letter.panel_id == panel.id)
                             .order_by(Letter.first_registered_at.desc().nulls_last()).limit(1))
    if last is None:
        last = db.session.scalar(select(Volunteer.created_at).where(Volunteer.panel_id == panel.id)
                                 .order_by(Volunteer.created_at.desc()).limit(1))
    return min(last.date(), today) if last else today


@indicator("response_rate")
def response_rate(panel: Panel, today: date) -> list[Observation]:
    areas = _letters_by_area(panel)
    letters = sum(n for n, _ in areas.values())
    if not letters:
        return []
    answered = sum(a for _, a in areas.values())
    return [Observation(_pct(answered, letters), _registered_on(panel, today), "responses", panel.id,
                        page(panel, "/panels/<int:panel_id>/responses"),
                        note=f"{answered} of {letters} households answered.")]


@indicator("response_rate_spread")
def response_rate_spread(panel: Panel, today: date) -> list[Observation]:
    rates = {area: a / n for area, (n, a) in _letters_by_area(panel).items() if n}
    if len(rates) < 2:
        return []
    spread = round(100.0 * (max(rates.values()) - min(rates.values())), 1)
    return [Observation(spread, _registered_on(panel, today), "responses", panel.id,
                        page(panel, "/panels/<int:panel_id>/responses"), note=f"Across {len(rates)} areas.")]


def _census(panel: Panel) -> dict[str, dict[str, float]]:
    """Census share per category value, as fractions: the registration schema's, else the targets'."""
    from ..selection.targets import census_shares

    shares = census_shares(panel)
    if not shares:
        for t in db.session.scalars(select(Target).where(Target.panel_id == panel.id,
                                                         Target.census_share.is_not(None))):
            shares.setdefault(t.category, {})[t.value] = float(t.census_share)
    for values in shares.values():  # accept percentages as well as fractions
        if sum(values.values()) > 1.5:
            for k in values:
                values[k] /= 100.0
    return shares


def census_distance(answers: list[dict], census: dict[str, dict[str, float]]) -> float | None:
    """Mean absolute difference, in percentage points, between the group's shares and the census."""
    gaps = []
    for category, values in census.items():
        given = [a.get(category) for a in answers if a.get(category) is not None]
        if not given:
            continue
        counts = Counter(given)
        gaps.extend(abs(counts[v] / len(given) - share) for v, share in values.items())
    return round(100.0 * sum(gaps) / len(gaps), 1) if gaps else None


def _answers(panel: Panel, statuses: tuple[str, ...]) -> list[dict]:
    return [a or {} for a in db.session.scalars(select(Volunteer.answers).where(
        Volunteer.panel_id == panel.id, Volunteer.status.in_(statuses)))]


@indicator("pool_census_distance")
def pool_census_distance(panel: Panel, today: date) -> list[Observation]:
    value = census_distance(_answers(panel, POOL_STATUSES), _census(panel))
    if value is None:
        return []
    return [Observation(value, _registered_on(panel, today), "responses", panel.id,
                        page(panel, "/panels/<int:panel_id>/responses"))]


@indicator("panel_census_distance")
def panel_census_distance(panel: Panel, today: date) -> list[Observation]:
    value = census_distance(_answers(panel, PANEL_STATUSES), _census(panel))
    if value is None:
        return []
    # The published draw (later runs may be replacements, which are not published on their own).
    run = db.session.scalar(select(SelectionRun).where(
        SelectionRun.panel_id == panel.id, SelectionRun.kind == "final", SelectionRun.status == "succeeded")
        .order_by(SelectionRun.published_at.is_(None), SelectionRun.id.desc()).limit(1))
    if run is not None and run.published_at is not None:
        return [Observation(value, run.published_at.date(), "selection_run", run.id,
                            page(panel, "/p/<int:panel_id>/selection"))]
    day = run.finished_at.date() if run is not None and run.finished_at else today
    return [Observation(value, day, "selection_run" if run else "panel", run.id if run else panel.id,
                        page(panel, "/panels/<int:panel_id>/selection"))]


# -- sessions: speakers, retention, the members' anonymous evaluations

def _speakers(panel: Panel) -> list[Speaker]:
    return list(db.session.scalars(select(Speaker).where(Speaker.panel_id == panel.id)))


def _last_session_day(panel: Panel, today: date) -> date:
    last = db.session.scalar(select(ProgrammeSession.date).where(
        ProgrammeSession.panel_id == panel.id, ProgrammeSession.date.is_not(None), ProgrammeSession.date <= today)
        .order_by(ProgrammeSession.date.desc()).limit(1))
    return last or today


def _speaker_observation(panel: Panel, today: date, value: int) -> list[Observation]:
    return [Observation(float(value), _last_session_day(panel, today), "speakers", panel.id,
                        page(panel, "/panels/<int:panel_id>/speakers"))]


@indicator("speakers")
def speakers(panel: Panel, today: date) -> list[Observation]:
    found = _speakers(panel)
    return _speaker_observation(panel, today, len(found)) if found else []


@indicator("speaker_perspectives")
def speaker_perspectives(panel: Panel, today: date) -> list[Observation]:
    found = _speakers(panel)
    kinds = {" ".join(s.perspective.split()).casefold() for s in found if s.perspective and s.perspective.strip()}
    return _speaker_observation(panel, today, len(kinds)) if found else []


@indicator("external_organisations")
def external_organisations(panel: Panel, today: date) -> list[Observation]:
    found = _speakers(panel)
    own = " ".join(panel.organisation.name.split()).casefold()
    names = {" ".join(s.affiliation.split()).casefold() for s in found if s.affiliation and s.affiliation.strip()}
    return _speaker_observation(panel, today, len(names - {own})) if found else []


@indicator("retention")
def retention(panel: Panel, today: date) -> list[Observation]:
    rows = db.session.execute(select(ProgrammeSession.id, ProgrammeSession.number, ProgrammeSession.date,
                                     Attendance.user_id, Attendance.status)
                              .join(Attendance, Attendance.session_id == ProgrammeSession.id)
                              .where(ProgrammeSession.panel_id == panel.id)).all()
    present: dict[int, set[int]] = defaultdict(set)
    info = {}
    for session_id, number, day, user_id, status in rows:
        info[session_id] = (number, day)
        if status == "present":
            present[session_id].add(user_id)
    held = sorted(info, key=lambda s: info[s][0])
    if len(held) < 2 or not present[held[0]]:
        return []
    first, last = present[held[0]], present[held[-1]]
    return [Observation(_pct(len(first & last), len(first)), info[held[-1]][1] or today, "attendance", panel.id,
                        page(panel, "/panels/<int:panel_id>/attendance"),
                        note=f"Sessions {info[held[0]][0]} to {info[held[-1]][0]}.")]


def _evaluation_mean(panel: Panel, today: date, question: str) -> list[Observation]:
    """Only questionnaires with at least MIN_ANSWERS answers to the question count (as on the results page)."""
    groups: dict[int | None, list[tuple[int, date]]] = defaultdict(list)
    for session_id, scores, submitted in db.session.execute(select(
            EvaluationResponse.session_id, EvaluationResponse.scores, EvaluationResponse.submitted_on)
            .where(EvaluationResponse.panel_id == panel.id)):
        value = (scores or {}).get(question) if isinstance(scores, dict) else None
        if value in (1, 2, 3, 4, 5):
            groups[session_id].append((value, submitted.date()))
    kept = [pair for answers in groups.values() if len(answers) >= MIN_ANSWERS for pair in answers]
    if not kept:
        return []
    mean = round(sum(v for v, _ in kept) / len(kept), 2)
    return [Observation(mean, max(d for _, d in kept), "evaluations", panel.id,
                        page(panel, "/panels/<int:panel_id>/evaluations"),
                        note=f"{len(kept)} anonymous answers.")]


@indicator("evaluation_balance")
def evaluation_balance(panel: Panel, today: date) -> list[Observation]:
    return _evaluation_mean(panel, today, "balance")


@indicator("evaluation_heard")
def evaluation_heard(panel: Panel, today: date) -> list[Observation]:
    return _evaluation_mean(panel, today, "heard")


# -- the government's response and implementation

def _responses(panel: Panel) -> list[GovernmentResponse]:
    return list(db.session.scalars(select(GovernmentResponse).join(Recommendation).where(
        Recommendation.panel_id == panel.id)))


def _response_page(panel: Panel) -> str:
    return page(panel, "/p/<int:panel_id>/response", "/panels/<int:panel_id>/response",
                "/panels/<int:panel_id>/responses/government")


def _share_of_responses(panel: Panel, today: date, test) -> list[Observation]:
    found = _responses(panel)
    if not found:
        return []
    days = [r.responded_on for r in found if r.responded_on]
    return [Observation(_pct(sum(1 for r in found if test(r)), len(found)), max(days) if days else today,
                        "government_response", panel.id, _response_page(panel),
                        note=f"{len(found)} recommendations with a response.")]


@indicator("recommendations_accepted")
def recommendations_accepted(panel: Panel, today: date) -> list[Observation]:
    return _share_of_responses(panel, today, lambda r: r.response in ("accepted", "accepted_in_part"))


@indicator("named_department")
def named_department(panel: Panel, today: date) -> list[Observation]:
    return _share_of_responses(panel, today, lambda r: bool((r.department or "").strip()))


@indicator("shared_departments")
def shared_departments(panel: Panel, today: date) -> list[Observation]:
    return _share_of_responses(panel, today, lambda r: bool([d for d in (r.other_departments or []) if d]))


def _report(panel: Panel) -> FinalReport | None:
    report = db.session.get(FinalReport, panel.id)
    return report if report is not None and report.delivered_on else None


def _responded_on(panel: Panel) -> date | None:
    """The day the last recommendation got its response, once every adopted one has one."""
    adopted = db.session.scalars(select(Recommendation).where(Recommendation.panel_id == panel.id,
                                                              Recommendation.status == "adopted")).all()
    answered = {r.recommendation_id: r.responded_on for r in _responses(panel)}
    expected = [r.id for r in adopted] or list(answered)
    if not expected or any(answered.get(rid) is None for rid in expected):
        return None
    return max(answered[rid] for rid in expected)


@indicator("response_days")
def response_days(panel: Panel, today: date) -> list[Observation]:
    report, responded = _report(panel), _responded_on(panel)
    if report is None or responded is None:
        return []
    return [Observation(float((responded - report.delivered_on).days), responded, "government_response",
                        panel.id, _response_page(panel))]


@indicator("response_days_past_deadline")
def response_days_past_deadline(panel: Panel, today: date) -> list[Observation]:
    report = _report(panel)
    if report is None:
        return []
    due = add_months(report.delivered_on, report.response_due_months)
    responded = _responded_on(panel)
    if responded is not None:
        return [Observation(float((responded - due).days), responded, "government_response", panel.id,
                            _response_page(panel), note=f"Response due on {due.isoformat()}.")]
    if today > due:
        return [Observation(float((today - due).days), today, "government_response", panel.id, _response_page(panel),
                            note=f"No full response yet; due on {due.isoformat()}.")]
    return []


def _terms(report: FinalReport) -> Terms:
    return Terms(report.delivered_on, report.response_due_months, report.first_progress_months,
                 report.progress_every_months, report.reminder_days)


@indicator("progress_reports_on_time")
def progress_reports_on_time(panel: Panel, today: date) -> list[Observation]:
    report = _report(panel)
    if report is None:
        return []
    delivered = {p.number: p.delivered_on for p in db.session.scalars(
        select(ProgressReport).where(ProgressReport.panel_id == panel.id))}
    due = [d for d in deadlines(_terms(report), Progress(reports=delivered))
           if d.number is not None and d.due_on <= today]
    if not due:
        return []
    on_time = sum(1 for d in due if d.met and d.met_on <= d.due_on)
    return [Observation(_pct(on_time, len(due)), due[-1].due_on, "progress_report", panel.id, _response_page(panel),
                        note=f"{on_time} of {len(due)} progress reports due so far were on time.")]


def _results(panel: Panel) -> list[ImplementationResult]:
    return list(db.session.scalars(select(ImplementationResult).where(ImplementationResult.panel_id == panel.id)))


@indicator("implementation_progress")
def implementation_progress(panel: Panel, today: date) -> list[Observation]:
    report = _report(panel)
    if report is None:
        return []
    done = list(db.session.scalars(select(Milestone.done_on).join(ImplementationResult).where(
        ImplementationResult.panel_id == panel.id)))
    if not done:
        return []
    out = []
    for months in CHECKPOINTS:
        checkpoint = add_months(report.delivered_on, months)
        if checkpoint > today:
            break
        reached = sum(1 for d in done if d is not None and d <= checkpoint)
        out.append(Observation(_pct(reached, len(done)), checkpoint, "implementation", panel.id, _response_page(panel),
                               period=f"{months}m",
                               note=f"{reached} of {len(done)} milestones done {months} months after delivery."))
    return out


@indicator("pilots_launched")
def pilots_launched(panel: Panel, today: date) -> list[Observation]:
    results = _results(panel)
    if not results:
        return []
    pilots = [r for r in results if r.is_pilot]
    day = max(r.created_at.date() for r in (pilots or results))
    return [Observation(float(len(pilots)), min(day, today), "implementation", panel.id, _response_page(panel))]


@indicator("evaluations_published")
def evaluations_published(panel: Panel, today: date) -> list[Observation]:
    results = _results(panel)
    if not results:
        return []
    evaluated = [r for r in results if (r.evaluation_url or "").strip()]
    day = max(r.updated_at.date() for r in (evaluated or results))
    return [Observation(float(len(evaluated)), min(day, today), "implementation", panel.id, _response_page(panel))]
