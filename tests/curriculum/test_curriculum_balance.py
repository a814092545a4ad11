"""Speaker balance: minutes per perspective and evidence type, flags, interests, requests."""

from __future__ import annotations

import json

import pytest

from curriculum import (
    AgendaItem,
    Appearance,
    BalanceReport,
    Material,
    Programme,
    Session,
    Speaker,
    WitnessRequest,
    appearances_from_programme,
    balance_report,
)

PERSPECTIVES = ["for", "against", "neutral"]


@pytest.fixture
def speakers():
    return [
        Speaker("s1", "Dr Ade", "for", "academic", ["funded by the transport authority"]),
        Speaker("s2", "Ms Brook", "against", "lived_experience"),
        Speaker("s3", "Mr Chen", "for", "advocacy", ["chairs Bikes for All"], "Bikes for All"),
        Speaker("s4", "Ms Diaz", "neutral", "government"),
    ]


def flags(report: BalanceReport) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in report.flags:
        out.setdefault(f.code, []).append(f.message)
    return out


def test_minutes_and_counts_per_perspective_and_evidence_type(speakers):
    apps = [Appearance("s1", 30, 1, "2"), Appearance("s1", 15, 1, "3"), Appearance("s2", 45, 2, "2"),
            Appearance("s3", 30, 2, "4"), Appearance("s4", 30, 3, "2")]
    materials = [Material("m1", "Briefing", "neutral", "government"), Material("m2", "Leaflet", "against", "advocacy")]
    r = balance_report(speakers, apps, materials, PERSPECTIVES)
    assert r.total_minutes == 150
    assert r.by_perspective["for"] == {"speakers": 2, "appearances": 3, "minutes": 75, "share": 0.5, "materials": 0}
    assert r.by_perspective["against"]["minutes"] == 45 and r.by_perspective["against"]["materials"] == 1
    assert r.by_evidence_type["academic"]["minutes"] == 45
    assert r.by_evidence_type["practitioner"] == {"speakers": 0, "appearances": 0, "minutes": 0, "share": 0,
                                                  "materials": 0}
    assert r.by_evidence_type["advocacy"]["materials"] == 1
    assert flags(r) == {}  # exactly half is not "more than half"


def test_a_perspective_with_more_than_half_is_flagged(speakers):
    r = balance_report(speakers, {"s1": 46, "s2": 30, "s4": 15}, perspectives=PERSPECTIVES)
    assert flags(r) == {"dominant": ["Perspective “for” has 51% of the speaking time, more than 50%"]}
    assert r.by_perspective["for"]["share"] == pytest.approx(46 / 91)


def test_a_perspective_with_no_voice_is_flagged(speakers):
    materials = [Material("m1", "Leaflet", "against", "advocacy")]
    r = balance_report(speakers, {"s1": 30, "s4": 30}, materials, PERSPECTIVES + ["local business"])
    assert flags(r)["no_voice"] == [
        "Perspective “against” has no voice: no speaking time (1 material(s) only)",
        "Perspective “local business” has no voice: no speaking time",
    ]
    assert "dominant" not in flags(r)


def test_unknown_untagged_and_unlisted(speakers):
    speakers.append(Speaker("s5", "Mx Eve", "", "practitioner"))
    speakers.append(Speaker("s6", "Mr Fox", "industry", "practitioner"))
    r = balance_report(speakers, [Appearance("s9", 10), Appearance("s6", 10)], perspectives=PERSPECTIVES)
    f = flags(r)
    assert f["unknown_speaker"] == ["An appearance names speaker “s9”, who is not in the list of speakers"]
    assert f["untagged"] == ["1 speaker(s) and 0 material(s) have no perspective"]
    assert f["unknown_perspective"] == ["Perspective “industry” is not one of the organiser's perspectives "
                                        "(for, against, neutral)"]
    assert r.total_minutes == 10


def test_without_a_list_the_perspectives_seen_are_used(speakers):
    r = balance_report(speakers, {"s1": 10, "s2": 10})
    assert list(r.by_perspective) == ["for", "against", "neutral"]
    assert flags(r)["no_voice"] == ["Perspective “neutral” has no voice: no speaking time"]


def test_declared_interests_are_listed(speakers):
    materials = [Material("m1", "Industry report", "for", "practitioner", ["paid by the operators"])]
    r = balance_report(speakers, {}, materials, PERSPECTIVES)
    assert [(i["kind"], i["id"], i["interests"]) for i in r.interests] == [
        ("speaker", "s1", ["funded by the transport authority"]),
        ("speaker", "s3", ["chairs Bikes for All"]),
        ("material", "m1", ["paid by the operators"]),
    ]
    assert r.interests[0]["name"] == "Dr Ade" and r.interests[2]["name"] == "Industry report"


def test_open_witness_requests_are_listed(speakers):
    requests = [
        WitnessRequest("w1", "member-12", "Someone who runs a bus company", "against", session=3),
        WitnessRequest("w2", "member-4", "A cyclist", session=2, answer="Invited to session 4"),
        WitnessRequest("w3", "member-9", "A delivery driver", session=2, answer="  "),
        WitnessRequest("w4", "member-1", "A doctor"),
    ]
    r = balance_report(speakers, {"s1": 1, "s2": 1, "s4": 1}, perspectives=PERSPECTIVES, witness_requests=requests)
    assert [q.id for q in r.open_requests] == ["w3", "w1", "w4"]
    assert flags(r)["open_requests"] == ["3 request(s) for witnesses have no answer yet"]


def test_plain_dicts_in_and_json_out(speakers):
    r = balance_report([s.to_dict() for s in speakers], [{"speaker_id": "s1", "minutes": 20}],
                       [{"id": "m", "title": "T", "perspective": "for"}], PERSPECTIVES,
                       [{"id": "w", "requested_by": "x", "request": "y"}])
    again = BalanceReport.from_dict(json.loads(json.dumps(r.to_dict())))
    assert again == r


def test_appearances_from_a_programme(speakers):
    programme = Programme("p", [Session(1, "d", "orientation_learning", "09:30", "16:30", [
        AgendaItem("Talk", "presentation", "09:30", "10:30", speakers=["s1", "s2"]),
        AgendaItem("Q&A", "questions", "10:30", "11:00", speakers=["s1"]),
        AgendaItem("Tables", "small_group", "11:00", "12:00", speakers=["s4"]),
    ])])
    apps = appearances_from_programme(programme)
    assert [(a.speaker_id, a.minutes, a.item) for a in apps] == [("s1", 30, "1"), ("s2", 30, "1"), ("s1", 30, "2")]
    r = balance_report(speakers, apps, perspectives=PERSPECTIVES)
    assert r.by_perspective["for"]["minutes"] == 60 and r.by_perspective["against"]["minutes"] == 30
    assert flags(r)["dominant"] and flags(r)["no_voice"] == ["Perspective “neutral” has no voice: no speaking time"]
