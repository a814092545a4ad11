"""The final report as plain data, assembled from what the panel did: one source for the page and the PDF.

Nothing here is written by hand for the report except the foreword: the mandate, the recruitment
figures, the programme, the rulebook, every recommendation that went to a vote with its support,
and every minority report (never dropped, also beside recommendations that were not adopted).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from . import minority as minority_reports
from . import voting
from .models import (
    Ballot,
    FinalReport,
    Recommendation,
    ReportFlag,
    Rulebook,
    Vote,
    VotingRound,
    round_recommendation,
)

AGREE = (4, 5)  # "agree" and "strongly agree" on the evaluation scale


@dataclass
class Minority:
    id: int
    title: str
    text: str  # Markdown source: shown through text.render / text.plain only
    signatories: int
    recommendation_code: str | None = None


@dataclass
class Support:
    """How the panel voted on one recommendation (aggregates only: never who voted what)."""

    scale: list[str]
    counts: list[int]
    round_title: str
    ballots: int
    eligible: int | None
    adopted: bool | None
    raw: object = None  # the voting module's own result, for its chart
    quorum_met: bool | None = None
    consensus: float | None = None  # high only when every group supports it

    @property
    def votes(self) -> int:
        return sum(self.counts)

    @property
    def shares(self) -> list[float]:
        return [c / self.votes if self.votes else 0.0 for c in self.counts]

    @property
    def turnout(self) -> float | None:
        return self.ballots / self.eligible if self.eligible else None


@dataclass
class Item:
    id: int
    code: str
    title: str
    text: str
    rationale: str | None
    status: str
    topic: str | None
    support: Support | None
    minority: list[Minority] = field(default_factory=list)

    @property
    def adopted(self) -> bool | None:
        if self.support is not None and self.support.adopted is not None:
            return self.support.adopted
        return {"adopted": True, "not_adopted": False}.get(self.status)

    @property
    def outcome(self) -> str:
        if self.support is None:
            return "Not put to a vote"
        if self.support.quorum_met is False:
            return "No valid result (quorum not met)"
        return {True: "Adopted", False: "Not adopted"}.get(self.adopted, "Result pending")


@dataclass
class Report:
    panel: object
    state: FinalReport
    mandate: dict
    recruitment: dict
    composition: dict | None
    programme: dict
    rulebook: dict | None
    items: list[Item]
    general_minority: list[Minority]
    evaluation: dict

    @property
    def all_minority(self) -> list[Minority]:
        return [m for i in self.items for m in i.minority] + self.general_minority


# --------------------------------------------------------------------------- the state of the report

def state_of(panel) -> FinalReport:
    """The panel's report record; an unsaved draft when nobody has touched it yet."""
    found = db.session.get(FinalReport, panel.id)
    return found if found is not None else FinalReport(panel_id=panel.id, status="draft", response_due_months=4,
                                                       first_progress_months=3, progress_every_months=6,
                                                       reminder_days=14)


def is_published(panel) -> bool:
    found = db.session.get(FinalReport, panel.id)
    return found is not None and found.published_at is not None


def flags_of(panel) -> list[ReportFlag]:
    return list(db.session.scalars(select(ReportFlag).filter_by(panel_id=panel.id)
                                   .order_by(ReportFlag.status != "open", ReportFlag.created_at)))


# --------------------------------------------------------------------------- sections

def mandate(panel) -> dict:
    return {"title": panel.title, "organisation": panel.organisation.name, "question": panel.question,
            "remit": panel.remit, "commitment": panel.commitment, "seats": panel.seats,
            "standing": panel.is_standing, "term_start": panel.term_start, "term_end": panel.term_end,
            "topics": [(t.title, t.question) for t in panel.topics]}


def recruitment(panel) -> dict:
    from ..invitations.responses import responses

    stats = responses(panel)
    return {"letters": stats.letters, "households": stats.households, "volunteers": stats.volunteers,
            "other_channels": stats.other_channels, "rate": stats.rate,
            "mailings": len(stats.mailings)}


def published_run(panel):
    from ..selection.models import SelectionRun

    return db.session.scalar(select(SelectionRun).where(
        SelectionRun.panel_id == panel.id, SelectionRun.published_at.is_not(None),
        SelectionRun.report.is_not(None)).order_by(SelectionRun.id.desc()))


def composition(panel) -> dict | None:
    """The panel against the census targets, per category: the published selection report's figures and
    charts when there is one, else the targets beside the members' own categories."""
    from ..selection.report_view import drawings

    run = published_run(panel)
    if run is None or not run.report:
        return _composition_from_targets(panel)
    view = drawings(run)
    return {"run_id": run.id, "summary": view["summary"], "by_category": view["by_category"],
            "drawings": view["charts"]}


def _composition_from_targets(panel) -> dict | None:
    from ..charts import bar_chart
    from ..selection.inputs import targets_of
    from ..sessions.tables import attributes, members

    targets = targets_of(panel)
    if not targets:
        return None
    users = members(panel)
    answers = attributes(panel, users)
    labels = {c["key"]: c.get("question") or c["key"]
              for c in (panel.registration.categories if panel.registration else [])}
    by_category: dict[str, list[dict]] = {}
    for t in sorted(targets, key=lambda t: (t.category, t.position, t.value)):
        count = sum(1 for a in answers.values() if str(a.get(t.category)) == t.value)
        by_category.setdefault(labels.get(t.category, t.category), []).append(
            {"value": t.label or t.value, "population_share": t.census_share, "min": t.min, "max": t.max,
             "selected": count})
    k = len(users)
    charts = {}
    for category, rows in by_category.items():
        series = {"Panel": [r["selected"] / k if k else 0.0 for r in rows]}
        if all(r["population_share"] is not None for r in rows):
            series["Census"] = [float(r["population_share"]) for r in rows]
        charts[category] = bar_chart([r["value"] for r in rows], series, title=category, percent=True)
    return {"run_id": None, "summary": {"k": k, "n": None}, "by_category": by_category, "drawings": charts}


def _hours(start: str, end: str) -> float:
    from curriculum import to_minutes

    try:
        return max(0, to_minutes(end) - to_minutes(start)) / 60
    except (TypeError, ValueError):
        return 0.0


def programme(panel) -> dict:
    from ..sessions.models import Material, Speaker
    from ..sessions.services import sessions_of

    sessions = [{"number": s.number, "title": s.title, "phase": s.phase, "date": s.date,
                 "hours": _hours(s.start, s.end)} for s in sessions_of(panel)]
    speakers = [{"name": s.name, "affiliation": s.affiliation or "", "perspective": s.perspective or "",
                 "evidence_type": s.evidence_type or ""}
                for s in db.session.scalars(select(Speaker).filter_by(panel_id=panel.id).order_by(Speaker.name))]
    materials = [{"title": m.title, "perspective": m.perspective or "", "summary": m.summary or ""}
                 for m in db.session.scalars(select(Material).filter_by(panel_id=panel.id).order_by(Material.title))]
    return {"sessions": sessions, "hours": sum(s["hours"] for s in sessions), "speakers": speakers,
            "materials": materials,
            "perspectives": dict(Counter(s["perspective"] or "not stated" for s in speakers))}


def rule_summary(book: Rulebook) -> str:
    scale = list(book.scale or [])
    level = scale[book.level] if 0 <= book.level < len(scale) else f"level {book.level + 1}"
    share = f"{100 * book.threshold:.0f} %"
    if book.rule == "supermajority_present":
        rule = f"at least {share} of the members present support it at “{level}” or above"
    else:
        rule = f"at least {share} of the votes cast are at “{level}” or above"
    return f"A recommendation is adopted when {rule}."


def rulebook(panel) -> dict | None:
    """The rulebook in force (the latest adopted version) and the vote that adopted it."""
    book = db.session.scalar(select(Rulebook).filter_by(panel_id=panel.id, status="adopted")
                             .order_by(Rulebook.version.desc()))
    if book is None:
        return None
    return {"version": book.version, "scale": list(book.scale or []), "rule": rule_summary(book),
            "quorum": book.quorum, "secret": book.secret_ballot, "send_back": book.allow_send_back,
            "notes": book.notes, "adopted_at": book.adopted_at, "for": book.votes_for,
            "against": book.votes_against, "abstain": book.votes_abstain, "adopted_note": book.adopted_note}


# --------------------------------------------------------------------------- recommendations and votes

def _latest_rounds(panel) -> dict[int, VotingRound]:
    """Recommendation id -> the latest closed round that voted on it."""
    rows = db.session.execute(
        select(round_recommendation.c.recommendation_id, VotingRound)
        .join(VotingRound, VotingRound.id == round_recommendation.c.voting_round_id)
        .where(VotingRound.panel_id == panel.id, VotingRound.status == "closed")
        .order_by(VotingRound.closed_at, VotingRound.id)).all()
    return {rec_id: vround for rec_id, vround in rows}


def _support(vround: VotingRound, rec: Recommendation) -> Support:
    scale = list(vround.rulebook.scale or []) if vround.rulebook else []
    levels = Counter(db.session.scalars(select(Vote.level).where(
        Vote.voting_round_id == vround.id, Vote.recommendation_id == rec.id)))
    size = max([len(scale)] + [lvl + 1 for lvl in levels])
    scale += [f"Level {i + 1}" for i in range(len(scale), size)]
    ballots = db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.voting_round_id == vround.id)) or 0
    frozen = (vround.results or {}).get(str(rec.id)) or (vround.results or {}).get(rec.id) or {}
    adopted = frozen.get("adopted") if isinstance(frozen, dict) else None
    if adopted is None and rec.status in ("adopted", "not_adopted"):
        adopted = rec.status == "adopted"
    return Support(scale=scale, counts=[levels.get(i, 0) for i in range(size)], round_title=vround.title,
                   ballots=ballots, eligible=vround.members_eligible, adopted=adopted)


def _minority(panel) -> dict[int | None, list[Minority]]:
    out: dict[int | None, list[Minority]] = {}
    for m in minority_reports.of_panel(panel):
        code = m.recommendation.code if m.recommendation is not None else None
        out.setdefault(m.recommendation_id, []).append(
            Minority(m.id, m.title, m.text, len(m.signatories), code))
    return out


def items(panel, minority: dict[int | None, list[Minority]] | None = None) -> list[Item]:
    """Every recommendation that went to a vote, plus any other one a minority report is attached to."""
    minority = _minority(panel) if minority is None else minority
    rounds = _latest_rounds(panel)
    frozen = voting.results_for(panel)
    wanted = set(rounds) | set(frozen) | {k for k in minority if k is not None}
    if not wanted:
        return []
    recs = db.session.scalars(select(Recommendation).where(Recommendation.id.in_(wanted))
                              .order_by(Recommendation.number)).all()
    out = []
    for rec in recs:
        support = None
        if rec.id in frozen:
            support = _from_result(frozen[rec.id])
        elif rec.id in rounds:  # a closed round without frozen results (recorded by hand): count the votes
            support = _support(rounds[rec.id], rec)
        out.append(Item(rec.id, rec.code, rec.title, rec.text, rec.rationale, rec.status,
                        rec.topic.title if rec.topic is not None else None, support, minority.get(rec.id, [])))
    return out


def _from_result(result: dict) -> Support:
    """A support block from the result the voting module froze when the round closed."""
    return Support(scale=list(result["scale"]), counts=list(result["distribution"]),
                   round_title=result.get("round_title") or "", ballots=result.get("ballots") or result["votes"],
                   eligible=result.get("eligible"), adopted=result.get("adopted"), raw=result,
                   quorum_met=result.get("quorum_met"), consensus=result.get("consensus"))


def support_drawing(support: Support):
    """The support chart: the voting module's own for a frozen result, else the distribution over the scale."""
    if support.raw is not None:
        return voting.support_chart(support.raw)
    from ..charts import bar_chart

    return bar_chart(support.scale, {"Share of votes": support.shares}, title="Support", percent=True)


def support_text(support: Support) -> str:
    """The chart's text alternative in one sentence."""
    parts = [f"{label}: {count} ({100 * share:.0f} %)"
             for label, count, share in zip(support.scale, support.counts, support.shares, strict=True)]
    return f"{support.votes} votes. " + "; ".join(parts) + "."


# --------------------------------------------------------------------------- evaluation

def evaluation(panel) -> dict:
    """The members' end-of-process evaluation, aggregates only and only above the minimum of answers."""
    from ..sessions import evaluations

    res = evaluations.results(panel, None)
    rows = []
    for q in res.questions:
        if q.mean is None:
            continue
        agree = sum(q.distribution.get(v, 0) for v in AGREE)
        rows.append({"question": q.label, "short": evaluations.SHORT.get(q.key, q.key), "answers": q.answers,
                     "mean": q.mean, "agree": agree / q.answers if q.answers else 0.0})
    return {"n": res.n, "enough": res.enough, "minimum": evaluations.MIN_ANSWERS, "rows": rows}


def evaluation_drawing(ev: dict):
    from ..charts import bar_chart

    return bar_chart([r["short"] for r in ev["rows"]], {"Agree or strongly agree": [r["agree"] for r in ev["rows"]]},
                     title="Members' evaluation", percent=True)


# --------------------------------------------------------------------------- the whole report

def gather(panel) -> Report:
    minority = _minority(panel)
    return Report(panel=panel, state=state_of(panel), mandate=mandate(panel), recruitment=recruitment(panel),
                  composition=composition(panel), programme=programme(panel), rulebook=rulebook(panel),
                  items=items(panel, minority), general_minority=minority.get(None, []),
                  evaluation=evaluation(panel))


SECTIONS = ("Foreword", "Mandate and question", "How the panel was recruited", "The programme",
            "Decision rules", "Recommendations", "Minority reports on the report as a whole",
            "Members' evaluation")


def report_date(report: Report) -> date | None:
    state = report.state
    if state.published_at is not None:
        return state.published_at.date()
    return state.delivered_on
