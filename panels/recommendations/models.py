"""Recommendations and what happens to them: drafting, amendments, rulebooks, votes, minority
reports, the final report, the government's response and its implementation.

Stored text (recommendations, comments, amendments, minority reports) is the author's Markdown
source; it is only ever shown through ``panels.recommendations.text.render`` (sanitised).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db

recommendation_author = Table(
    "recommendation_author", db.metadata,
    Column("recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class WorkingGroup(db.Model):
    """A group of members drafting on one sub-area of the question (or one topic of a standing panel)."""

    __tablename__ = "working_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    topic = relationship("Topic")


# draft -> ready (for a vote) -> adopted | not_adopted | redraft (sent back); withdrawn at any time.
RECOMMENDATION_STATUSES = ("draft", "ready", "adopted", "not_adopted", "redraft", "withdrawn")


class Recommendation(db.Model):
    __tablename__ = "recommendation"
    __table_args__ = (UniqueConstraint("panel_id", "number", name="uq_recommendation_panel_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # R1, R2... within the panel
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_group.id", ondelete="SET NULL"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)  # Markdown subset
    rationale: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # A rejected amendment that became a recommendation of its own.
    from_amendment_id: Mapped[int | None] = mapped_column(Integer)  # no FK: amendments point here already
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    panel = relationship("Panel")
    working_group = relationship("WorkingGroup")
    topic = relationship("Topic")
    authors = relationship("User", secondary=recommendation_author, order_by="User.name")
    versions = relationship("RecommendationVersion", back_populates="recommendation",
                            cascade="all, delete-orphan", order_by="RecommendationVersion.number")
    sources = relationship("RecommendationSource", cascade="all, delete-orphan",
                           order_by="RecommendationSource.id")
    comments = relationship("Comment", cascade="all, delete-orphan", order_by="Comment.created_at")
    amendments = relationship("Amendment", back_populates="recommendation", cascade="all, delete-orphan",
                              foreign_keys="Amendment.recommendation_id", order_by="Amendment.created_at")
    response = relationship("GovernmentResponse", uselist=False, back_populates="recommendation",
                            cascade="all, delete-orphan")

    @property
    def code(self) -> str:
        return f"R{self.number}"


class RecommendationVersion(db.Model):
    """Every saved edit: the whole text as it was, who wrote it and (for amendments) whose change it was."""

    __tablename__ = "recommendation_version"
    __table_args__ = (UniqueConstraint("recommendation_id", "number", name="uq_recommendation_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"),
                                                   index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    amendment_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the amendment points to its version
    note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation = relationship("Recommendation", back_populates="versions")
    author = relationship("User")


SOURCE_KINDS = ("session", "speaker", "material", "table_note")


class RecommendationSource(db.Model):
    """What informed a recommendation (traceability): a session, speaker, material or table note."""

    __tablename__ = "recommendation_source"
    __table_args__ = (UniqueConstraint("recommendation_id", "kind", "target_id", name="uq_recommendation_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"),
                                                   index=True)
    kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(300))


class Comment(db.Model):
    __tablename__ = "recommendation_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"),
                                                   index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")


# proposed -> accepted | rejected | to_vote (then accepted | rejected by the round); withdrawn by its author.
AMENDMENT_STATUSES = ("proposed", "accepted", "rejected", "to_vote", "withdrawn")
AMENDMENT_SECTIONS = ("text", "title", "rationale")


class Amendment(db.Model):
    __tablename__ = "amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"),
                                                   index=True)
    section: Mapped[str] = mapped_column(String(16), default="text")
    base_version: Mapped[int] = mapped_column(Integer)  # the version the change was written against
    new_text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    voting_round_id: Mapped[int | None] = mapped_column(ForeignKey("voting_round.id", ondelete="SET NULL"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("recommendation_version.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation = relationship("Recommendation", back_populates="amendments", foreign_keys=[recommendation_id])
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


DEFAULT_SCALE = ["Strongly support", "Support", "Can live with it", "Have concerns", "Cannot support"]


class Rulebook(db.Model):
    """The decision rules a panel adopts before voting; each change is a new version, adopted by a vote.

    ``rule`` is ``"level_share"`` (adopted when at least ``threshold`` of the votes cast are at
    ``level`` or better on the scale, index 0 being the best) or ``"supermajority_present"``
    (adopted when at least ``threshold`` of the members present vote at ``level`` or better).
    ``quorum`` is the share of the panel's members who must take part for a result to count.
    """

    __tablename__ = "rulebook"
    __table_args__ = (UniqueConstraint("panel_id", "version", name="uq_rulebook_panel_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    scale: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_SCALE))
    rule: Mapped[str] = mapped_column(String(24), default="level_share")
    level: Mapped[int] = mapped_column(Integer, default=2)  # "can live with it" or better
    threshold: Mapped[float] = mapped_column(Float, default=0.8)
    quorum: Mapped[float] = mapped_column(Float, default=0.5)
    secret_ballot: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_send_back: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft, adopted, superseded
    # The vote that adopted it (a show of hands recorded by a facilitator).
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    adopted_note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


round_recommendation = Table(
    "voting_round_recommendation", db.metadata,
    Column("voting_round_id", ForeignKey("voting_round.id", ondelete="CASCADE"), primary_key=True),
    Column("recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True),
)


class VotingRound(db.Model):
    """A vote on a set of recommendations under the rulebook in force when it opened."""

    __tablename__ = "voting_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    rulebook_id: Mapped[int] = mapped_column(ForeignKey("rulebook.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft, open, closed
    members_eligible: Mapped[int | None] = mapped_column(Integer)  # frozen when it opens
    members_present: Mapped[int | None] = mapped_column(Integer)  # recorded by a facilitator
    results: Mapped[dict | None] = mapped_column(JSON)  # frozen at close: recommendation id -> result
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rulebook = relationship("Rulebook")
    recommendations = relationship("Recommendation", secondary=round_recommendation,
                                   order_by="Recommendation.number")


class Ballot(db.Model):
    """That a member took part in a round (a receipt); it never says how they voted when ballots are secret."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("voting_round_id", "user_id", name="uq_ballot_round_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    voting_round_id: Mapped[int] = mapped_column(ForeignKey("voting_round.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(8), default="app")  # app, paper
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _random_id() -> str:
    return uuid.uuid4().hex


class Vote(db.Model):
    """One support level for one recommendation. With secret ballots ``user_id`` is empty and the
    key is random, so a vote cannot be paired with its ballot receipt. ``strata`` is the voter's
    selection categories (category -> value), kept for the breakdown of support."""

    __tablename__ = "vote"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    voting_round_id: Mapped[int] = mapped_column(ForeignKey("voting_round.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"),
                                                   index=True)
    level: Mapped[int] = mapped_column(Integer)  # index into the rulebook's scale, 0 = best
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    strata: Mapped[dict] = mapped_column(JSON, default=dict)


minority_signature = Table(
    "minority_signature", db.metadata,
    Column("minority_report_id", ForeignKey("minority_report.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class MinorityReport(db.Model):
    """A dissent, on one recommendation or (``recommendation_id`` empty) on the report as a whole;
    published beside the majority text and never dropped."""

    __tablename__ = "minority_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"),
                                                          index=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    recommendation = relationship("Recommendation")
    author = relationship("User", foreign_keys=[author_id])
    signatories = relationship("User", secondary=minority_signature, order_by="User.name")


class FinalReport(db.Model):
    """The state of a panel's final report: draft (members review it), then published."""

    __tablename__ = "final_report"

    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft, review, published
    foreword: Mapped[str | None] = mapped_column(Text)
    review_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_on: Mapped[date | None] = mapped_column(Date)  # handed to the council: starts the clock
    # The commissioning terms: the clock on the government's response.
    response_due_months: Mapped[int] = mapped_column(Integer, default=4)
    first_progress_months: Mapped[int] = mapped_column(Integer, default=3)
    progress_every_months: Mapped[int] = mapped_column(Integer, default=6)
    reminder_days: Mapped[int] = mapped_column(Integer, default=14)
    responsible_email: Mapped[str | None] = mapped_column(String(254))  # lead officer for the response


class ReportFlag(db.Model):
    """A member's note of an error in the draft report."""

    __tablename__ = "report_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open, fixed, declined
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")


RESPONSES = {
    "accepted": "Accepted",
    "accepted_in_part": "Accepted in part",
    "under_consideration": "Under consideration",
    "rejected": "Rejected",
}


class GovernmentResponse(db.Model):
    __tablename__ = "government_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"),
                                                   unique=True)
    response: Mapped[str] = mapped_column(String(24))
    reasons: Mapped[str | None] = mapped_column(Text)  # required for anything but accepted
    department: Mapped[str | None] = mapped_column(String(200))
    other_departments: Mapped[list] = mapped_column(JSON, default=list)  # shared responsibility
    responsible_email: Mapped[str | None] = mapped_column(String(254))
    cost: Mapped[float | None] = mapped_column(Numeric(14, 2))
    timeframe: Mapped[str | None] = mapped_column(String(200))
    responded_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    recommendation = relationship("Recommendation", back_populates="response")


IMPLEMENTATION_STATUSES = ("not_started", "in_progress", "completed", "abandoned")


class ImplementationResult(db.Model):
    """A piece of work implementing a recommendation; children roll up into their parent by weight.
    Linking a result never changes the recommendation's response."""

    __tablename__ = "implementation_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"),
                                                   index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("implementation_result.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="not_started")
    progress: Mapped[int] = mapped_column(Integer, default=0)  # 0-100, own (leaves only)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    is_pilot: Mapped[bool] = mapped_column(Boolean, default=False)  # a pilot or experiment
    evaluation_url: Mapped[str | None] = mapped_column(String(500))  # a published evaluation of it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    children = relationship("ImplementationResult", cascade="all, delete-orphan",
                            order_by="ImplementationResult.id")
    milestones = relationship("Milestone", cascade="all, delete-orphan", order_by="Milestone.due_on")


class Milestone(db.Model):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("implementation_result.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    evidence_stored_name: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)


class ProgressReport(db.Model):
    """A progress report the government delivered (number 1 at the first due date, and so on)."""

    __tablename__ = "progress_report"
    __table_args__ = (UniqueConstraint("panel_id", "number", name="uq_progress_report_panel_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    delivered_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class DeadlineReminder(db.Model):
    """That a reminder for one deadline was sent; the unique key makes each one go exactly once."""

    __tablename__ = "deadline_reminder"
    __table_args__ = (UniqueConstraint("panel_id", "deadline", "kind", name="uq_deadline_reminder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    deadline: Mapped[str] = mapped_column(String(40))  # "response", "progress-1", ...
    kind: Mapped[str] = mapped_column(String(12))  # before, due, overdue
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponseRating(db.Model):
    """A former member's rating (0-10) of one recommendation's response and implementation, at one
    checkpoint (the response, then each progress report); the user id only stops a second rating."""

    __tablename__ = "response_rating"
    __table_args__ = (UniqueConstraint("recommendation_id", "checkpoint", "user_id", name="uq_response_rating"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"),
                                                   index=True)
    checkpoint: Mapped[str] = mapped_column(String(40))  # "response", "progress-1", ...
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    response_score: Mapped[int | None] = mapped_column(Integer)
    implementation_score: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
