"""Rulebooks, voting rounds, ballots and results (blueprint ``votes``); minority reports are in
``minority_views``, which adds its routes to the same blueprint."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import access, can, of_panel
from ..charts import to_svg
from ..extensions import db
from ..forms import ConfirmForm
from ..sessions import tables
from . import text, voting
from .models import Amendment, Rulebook, VotingRound
from .response_csv import csv_cell
from .voting_forms import AdoptForm, CloseForm, RoundForm, RulebookForm, ballot_form

bp = Blueprint("votes", __name__)


@bp.context_processor
def _helpers() -> dict:
    return {"render_text": text.render}  # members' Markdown, sanitised


def _round(voting_round_id: int) -> VotingRound:
    return of_panel(VotingRound, voting_round_id)


# --------------------------------------------------------------------------- rulebook

@bp.route("/panels/<int:panel_id>/votes/rulebook")
@access("votes.view")
def rulebook(panel_id: int):
    return _rulebook_page(RulebookForm(), AdoptForm())


def _rulebook_page(form: RulebookForm, adopt_form: AdoptForm, status: int = 200):
    current, draft = voting.current_rulebook(g.panel), voting.draft_of(g.panel)
    if request.method == "GET":
        base = draft or current
        if base is not None:
            form.scale.data = "\n".join(base.scale)
            form.rule.data, form.level.data = base.rule, base.level + 1
            form.threshold.data, form.quorum.data = round(base.threshold * 100, 2), round(base.quorum * 100, 2)
            form.secret_ballot.data, form.allow_send_back.data = base.secret_ballot, base.allow_send_back
            form.notes.data = base.notes
        else:
            form.scale.data = "\n".join(voting.DEFAULT_SCALE)
            form.rule.data, form.level.data, form.threshold.data, form.quorum.data = "level_share", 3, 80, 50
            form.allow_send_back.data = True
    return render_template("recommendations/voting_rulebook.html", panel=g.panel, current=current, draft=draft,
                           history=voting.rulebooks(g.panel), form=form, adopt_form=adopt_form,
                           can_manage=can(current_user, "votes.manage", panel=g.panel)), status


@bp.route("/panels/<int:panel_id>/votes/rulebook", methods=["POST"])
@access("votes.manage")
def rulebook_draft(panel_id: int):
    form = RulebookForm()
    if form.validate_on_submit():
        try:
            book = voting.save_draft(current_user, g.panel, form.values())
        except voting.VotingError as exc:
            form.scale.errors = [*form.scale.errors, str(exc)]
        else:
            flash(f"Draft of version {book.version} saved. Record the panel's vote to adopt it.", "success")
            return redirect(url_for("votes.rulebook", panel_id=panel_id) + "#adopt")
    return _rulebook_page(form, AdoptForm(formdata=None), 422)


@bp.route("/panels/<int:panel_id>/votes/rulebook/<int:rulebook_id>/adopt", methods=["POST"])
@access("votes.manage")
def rulebook_adopt(panel_id: int, rulebook_id: int):
    book = of_panel(Rulebook, rulebook_id)
    form = AdoptForm()
    if form.validate_on_submit():
        try:
            voting.adopt(current_user, book, votes_for=form.votes_for.data, votes_against=form.votes_against.data,
                         votes_abstain=form.votes_abstain.data, note=form.note.data)
        except voting.VotingError as exc:
            form.votes_for.errors = [*form.votes_for.errors, str(exc)]
        else:
            flash(f"Rulebook version {book.version} adopted; it applies to every round opened from now on.",
                  "success")
            return redirect(url_for("votes.rulebook", panel_id=panel_id))
    return _rulebook_page(RulebookForm(formdata=None), form, 422)


# --------------------------------------------------------------------------- rounds

@bp.route("/panels/<int:panel_id>/votes/")
@access("votes.view")
def rounds(panel_id: int):
    mine = {}
    if can(current_user, "votes.cast", panel=g.panel):
        mine = {r.id: voting.ballot_of(r, current_user) is not None for r in voting.rounds(g.panel)}
    return render_template("recommendations/voting_rounds.html", panel=g.panel, rounds=voting.rounds(g.panel),
                           current=voting.current_rulebook(g.panel), voted=mine, ballots=voting.ballots_cast,
                           can_manage=can(current_user, "votes.manage", panel=g.panel),
                           can_vote=can(current_user, "votes.cast", panel=g.panel))


def _round_form() -> RoundForm:
    form = RoundForm()
    form.recommendations.choices = [(r.id, f"{r.code}: {r.title}") for r in voting.ready_recommendations(g.panel)]
    return form


@bp.route("/panels/<int:panel_id>/votes/new")
@access("votes.manage")
def round_new(panel_id: int):
    return _round_form_page(_round_form())


def _round_form_page(form: RoundForm, status: int = 200):
    return render_template("recommendations/voting_round_form.html", panel=g.panel, form=form,
                           current=voting.current_rulebook(g.panel)), status


@bp.route("/panels/<int:panel_id>/votes/new", methods=["POST"])
@access("votes.manage")
def round_create(panel_id: int):
    form = _round_form()
    if form.validate_on_submit():
        try:
            vround = voting.create_round(current_user, g.panel, form.title.data, form.recommendations.data)
        except voting.VotingError as exc:
            form.recommendations.errors = [*form.recommendations.errors, str(exc)]
        else:
            flash("Round created. Open it when the members are ready to vote.", "success")
            return redirect(url_for("votes.round_detail", panel_id=panel_id, voting_round_id=vround.id))
    return _round_form_page(form, 422)


def _close_form(vround: VotingRound) -> CloseForm:
    form = CloseForm()
    form.send_back.choices = [(r.id, f"{r.code}: {r.title}") for r in vround.recommendations]
    return form


@bp.route("/panels/<int:panel_id>/votes/<int:voting_round_id>")
@access("votes.view")
def round_detail(panel_id: int, voting_round_id: int):
    return _round_page(_round(voting_round_id), _close_form(_round(voting_round_id)))


def _round_page(vround: VotingRound, close_form: CloseForm, status: int = 200, amendment_form=None):
    results = [(rec, (vround.results or {}).get(str(rec.id))) for rec in vround.recommendations]
    labels = voting.category_labels(g.panel)
    charts = {}
    for rec, result in results:
        if result:
            charts[rec.id] = {
                "support": to_svg(voting.support_chart(result), description=voting.support_text(result)),
                "breakdown": {cat: to_svg(voting.breakdown_chart(result, cat, labels.get(cat)),
                                          description=f"Share at {result['level_label']} or better by "
                                                      f"{labels.get(cat, cat)}; the table below gives the numbers.")
                              for cat in result["breakdown"]}}
    amendments = voting.amendments_of(vround)
    amendment_forms = {a.id: AdoptForm(prefix=f"a{a.id}", formdata=None) for a in amendments}
    if amendment_form is not None:
        amendment_forms[amendment_form[0]] = amendment_form[1]
    return render_template("recommendations/voting_round.html", panel=g.panel, vround=vround, results=results,
                           amendments=amendments, amendment_forms=amendment_forms, charts=charts, labels=labels,
                           ballots=voting.ballots_cast(vround),
                           open_votes=voting.open_votes(vround) if vround.status == "closed" else [],
                           close_form=close_form, confirm=ConfirmForm(),
                           voted=can(current_user, "votes.cast", panel=g.panel)
                           and voting.ballot_of(vround, current_user) is not None,
                           can_manage=can(current_user, "votes.manage", panel=g.panel),
                           can_vote=can(current_user, "votes.cast", panel=g.panel)), status


@bp.route("/panels/<int:panel_id>/votes/<int:voting_round_id>/open", methods=["POST"])
@access("votes.manage")
def round_open(panel_id: int, voting_round_id: int):
    vround = _round(voting_round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        voting.open_round(current_user, vround)
        flash(f"Round open under rulebook version {vround.rulebook.version}; "
              f"{vround.members_eligible} members can vote.", "success")
    except voting.VotingError as exc:
        flash(str(exc), "error")
    return redirect(url_for("votes.round_detail", panel_id=panel_id, voting_round_id=voting_round_id))


@bp.route("/panels/<int:panel_id>/votes/<int:voting_round_id>/close", methods=["POST"])
@access("votes.manage")
def round_close(panel_id: int, voting_round_id: int):
    vround = _round(voting_round_id)
    form = _close_form(vround)
    if form.validate_on_submit():
        try:
            voting.close_round(current_user, vround, present=form.present.data,
                               send_back=set(form.send_back.data or []))
        except voting.VotingError as exc:
            form.present.errors = [*form.present.errors, str(exc)]
        else:
            flash("Round closed; the results are frozen.", "success")
            return redirect(url_for("votes.round_detail", panel_id=panel_id, voting_round_id=voting_round_id))
    return _round_page(vround, form, 422)


@bp.route("/panels/<int:panel_id>/votes/<int:voting_round_id>/amendments/<int:voted_amendment_id>", methods=["POST"])
@access("votes.manage")
def amendment_settle(panel_id: int, voting_round_id: int, voted_amendment_id: int):
    vround = _round(voting_round_id)
    amendment = db.session.get(Amendment, voted_amendment_id)
    if amendment is None or amendment.recommendation.panel_id != g.panel.id:
        abort(404)
    form = AdoptForm(prefix=f"a{amendment.id}")
    if form.validate_on_submit():
        try:
            accepted = voting.settle_amendment(current_user, vround, amendment, votes_for=form.votes_for.data,
                                               votes_against=form.votes_against.data,
                                               votes_abstain=form.votes_abstain.data)
        except (voting.VotingError, ValueError) as exc:
            form.votes_for.errors = [*form.votes_for.errors, str(exc)]
        else:
            flash("Amendment accepted: the recommendation's text is updated." if accepted
                  else "Amendment rejected.", "success")
            return redirect(url_for("votes.round_detail", panel_id=panel_id, voting_round_id=voting_round_id)
                            + "#amendments")
    return _round_page(vround, _close_form(vround), 422, amendment_form=(amendment.id, form))


# --------------------------------------------------------------------------- ballots

def _levels(form, vround: VotingRound) -> dict[int, int]:
    return {rec.id: form[f"rec_{rec.id}"].data for rec in vround.recommendations}


@bp.route("/panels/<int:panel_id>/votes/<int:voting_round_id>/ballot")
@access("votes.cast")
def ballot(panel_id: int, voting_round_id: int):
    vround = _round(voting_round_id)
    return _ballot_page(vround, ballot_form(vround.recommendations, vround.rulebook.scale))


def _ballot_page(vround: VotingRound, form, status: int = 200):
    return render_template("recommendations/voting_ballot.html", panel=g.panel, vround=vround, form=form,
                           receipt=voting.ballot_of(vround, current_user)), status


@bp.route("/panels/<int:panel_id>/votes/<int:voting_round_id>/ballot", methods=["POST"])
@access("votes.cast")
def ballot_cast(panel_id: int, voting_round_id: int):
    vround = _round(voting_round_id)
    form = ballot_form(vround.recommendations, vround.rulebook.scale)
    if form.validate_on_submit():
        try:
            voting.cast(current_user, vround, _levels(form, vround))
        except voting.VotingError as exc:
            flash(str(exc), "error")
        else:
            flash("Your ballot is in. Thank you for voting.", "success")
            return redirect(url_for("votes.round_detail", panel_id=panel_id, voting_round_id=voting_round_id))
    return _ballot_page(vround, form, 422)


def _paper_form(vround: VotingRound):
    return ballot_form(vround.recommendations, vround.rulebook.scale, members=tables.members(g.panel))


@bp.route("/panels/<int:panel_id>/votes/<int:voting_round_id>/paper")
@access("votes.manage")
def paper(panel_id: int, voting_round_id: int):
    vround = _round(voting_round_id)
    return _paper_page(vround, _paper_form(vround))


def _paper_page(vround: VotingRound, form, status: int = 200):
    return render_template("recommendations/voting_paper.html", panel=g.panel, vround=vround, form=form,
                           ballots=voting.ballots_cast(vround)), status


@bp.route("/panels/<int:panel_id>/votes/<int:voting_round_id>/paper", methods=["POST"])
@access("votes.manage")
def paper_record(panel_id: int, voting_round_id: int):
    vround = _round(voting_round_id)
    form = _paper_form(vround)
    if form.validate_on_submit():
        voter = next(u for u in tables.members(g.panel) if u.id == form.member.data)
        try:
            voting.cast(current_user, vround, _levels(form, vround), voter=voter, method="paper")
        except voting.VotingError as exc:
            form.member.errors = [*form.member.errors, str(exc)]
        else:
            flash(f"Paper ballot of {voter.name} recorded.", "success")
            return redirect(url_for("votes.paper", panel_id=panel_id, voting_round_id=voting_round_id))
    return _paper_page(vround, form, 422)


# --------------------------------------------------------------------------- export

class _SafeWriter:
    """Members' titles, names and groups as cells a spreadsheet will not run as formulas."""

    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row) -> None:
        self.writer.writerow([csv_cell(value) for value in row])


@bp.route("/panels/<int:panel_id>/votes/<int:voting_round_id>/results.csv")
@access("votes.view")
def results_csv(panel_id: int, voting_round_id: int):
    vround = _round(voting_round_id)
    if vround.status != "closed":
        return Response("The round is not closed yet: results are counted when it closes.\n", status=409,
                        mimetype="text/plain")
    out = io.StringIO()
    writer = _SafeWriter(csv.writer(out))
    scale = vround.rulebook.scale
    writer.writerow(["recommendation", "title", "rulebook_version", "outcome", "votes", "eligible", "turnout",
                     "support", "share", "consensus", *scale])
    for rec in vround.recommendations:
        r = (vround.results or {}).get(str(rec.id))
        if r:
            writer.writerow([rec.code, rec.title, r["rulebook_version"], r["outcome"], r["votes"], r["eligible"],
                             f"{r['turnout']:.4f}", r["support"], f"{r['share']:.4f}", f"{r['consensus']:.4f}",
                             *r["distribution"]])
    writer.writerow([])
    writer.writerow(["recommendation", "category", "group", "voters", "support", "share"])
    for rec in vround.recommendations:
        r = (vround.results or {}).get(str(rec.id)) or {"breakdown": {}}
        for cat, cells in r["breakdown"].items():
            for c in cells:
                writer.writerow([rec.code, cat, c["value"], *(("hidden (secret ballot)", "", "") if c["hidden"] else
                                                            (c["count"], c["support"], f"{c['share']:.4f}"))])
    named = voting.open_votes(vround)  # empty for secret ballots: tallies only
    if named:
        writer.writerow([])
        writer.writerow(["member", *[rec.code for rec in vround.recommendations]])
        for name, levels in named:
            writer.writerow([name, *[scale[levels[r.id]] if r.id in levels else "" for r in vround.recommendations]])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=round-{vround.id}-results.csv"})


from . import minority_views  # noqa: E402,F401 - adds the minority report routes to this blueprint
