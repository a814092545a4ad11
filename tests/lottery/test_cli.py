"""The command line: exit codes 0/1/2 and the files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from lottery_helpers import random_instance_frames

from lottery.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def _files(tmp_path, households=False):
    q, p = random_instance_frames(21, 20, 4, 2, households=households)
    fq, fp = tmp_path / "features.csv", tmp_path / "people.csv"
    q.to_csv(fq, index=False)
    p.to_csv(fp, index=False)
    return str(fq), str(fp)


def test_check_exit_codes(tmp_path, capsys):
    fq, fp = _files(tmp_path)
    assert main(["check", "--features", fq, "--people", fp, "--size", "4"]) == 0
    q = pd.read_csv(fq)
    q.loc[0, "min"] = 20
    q.loc[0, "max"] = 20
    q.to_csv(fq, index=False)
    assert main(["check", "--features", fq, "--people", fp, "--size", "4"]) == 1
    assert "No panel can meet all the quotas" in capsys.readouterr().out


def test_bad_input_exit_2_without_traceback(tmp_path, capsys):
    fq, fp = _files(tmp_path)
    p = pd.read_csv(fp)
    p.loc[3, "cat0"] = "nonsense"
    p.to_csv(fp, index=False)
    assert main(["select", "--features", fq, "--people", fp, "--size", "4",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "row 5" in err and "nonsense" in err and "Traceback" not in err


def test_select_verify_replace(tmp_path, capsys):
    fq, fp = _files(tmp_path, households=True)
    out = tmp_path / "run"
    assert main(["select", "--features", fq, "--people", fp, "--size", "4", "--seed", "7-7-7",
                 "--household-columns", "address", "--transparent", "100",
                 "--out", str(out)]) == 0
    for name in ("report.json", "panel.csv", "probabilities.csv", "portfolio.csv",
                 "summary.md"):
        assert (out / name).exists()
    report = json.loads((out / "report.json").read_text())
    assert report["seed"] == "7-7-7" and len(report["panel"]) == 4
    assert report["transparent"]["M"] == 100
    assert main(["verify", str(out / "report.json"), "--features", fq, "--people", fp]) == 0
    report["panel"] = sorted(report["panel"][1:] + ["not-a-member"])
    (tmp_path / "bad.json").write_text(json.dumps(report))
    assert main(["verify", str(tmp_path / "bad.json"), "--features", fq, "--people", fp]) == 1
    out2 = tmp_path / "replaced"
    dropped = json.loads((out / "report.json").read_text())["panel"][0]
    assert main(["replace", "--report", str(out / "report.json"), "--dropouts", dropped,
                 "--features", fq, "--people", fp, "--seed", "r", "--out", str(out2)]) == 0
    rep = json.loads((out2 / "report.json").read_text())
    assert len(rep["panel"]) == 1 and dropped not in rep["replacement"]["completed_panel"]
    assert len(rep["replacement"]["completed_panel"]) == 4


def test_targets_command(tmp_path, capsys):
    census = tmp_path / "census.csv"
    census.write_text("category,value,share\nage,young,0.3\nage,old,0.7\n")
    assert main(["targets", "--census", str(census), "--size", "10"]) == 0
    out = capsys.readouterr().out
    assert "age,young,3,3" in out and "age,old,7,7" in out


def test_python_dash_m(tmp_path):
    fq, fp = _files(tmp_path)
    res = subprocess.run([sys.executable, "-m", "lottery", "select", "--features", fq,
                          "--people", fp, "--size", "4", "--algorithm", "maximin",
                          "--out", str(tmp_path / "o")], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "o" / "report.json").exists()
    assert "%]" in res.stderr  # progress on stderr
