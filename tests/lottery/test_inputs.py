"""Loading and validating quota and pool files: every problem reported at once."""

from __future__ import annotations

import pandas as pd
import pytest

from lottery import InputError, load_instance, load_quotas


def test_both_quota_formats_are_recognised(tmp_path):
    sf = tmp_path / "features.csv"
    sf.write_text("feature,value,min,max,min_flex,max_flex\nGender,Female,1,2,0,3\n"
                  "Gender,Male,1,2,0,3\n")
    fl = tmp_path / "categories.csv"
    fl.write_text("category,feature,min,max\ngender,female,1,2\ngender,male,1,2\n")
    a, b = load_quotas(sf), load_quotas(fl)
    assert a.categories == {"Gender": ("Female", "Male")}
    assert b.categories == {"gender": ("female", "male")}
    assert a.get("Gender", "Female").min_flex == 0
    assert b.get("gender", "male").max_flex is None


def test_unrecognised_header():
    with pytest.raises(InputError) as err:
        load_quotas(pd.DataFrame({"a": [1], "b": [2]}))
    assert "unrecognised header" in str(err.value)


def test_every_problem_is_reported_together():
    quotas = pd.DataFrame({
        "feature": ["age", "age", "tenure", "tenure", "region"],
        "value": ["young", "old", "renter", "owner", "north"],
        "min": ["1", "3", "x", "0", "0"],
        "max": ["2", "1", "2", "1.5", "9"],
    })
    pool = pd.DataFrame({
        "id": ["a", "b", "b", "c"],
        "Age ": ["young", "OLD", "middle", "old"],
        "tenure": ["renter", "owner", "renter", ""],
        "email": ["x", "y", "z", "w"],
    })
    with pytest.raises(InputError) as err:
        load_instance(quotas, pool, 2)
    errors = err.value.errors
    text = [str(p) for p in errors]
    # quota problems: min > max (row 3), non-integer min (row 4) and max (row 5)
    assert any(p.row == 3 and "greater than max" in p.message for p in errors)
    assert any(p.row == 4 and p.column == "min" for p in errors)
    assert any(p.row == 5 and p.column == "max" for p in errors)
    # pool problems: duplicate id (row 4), unknown value (row 4), empty value (row 5),
    # missing column for a quota category
    assert any(p.row == 4 and "duplicate id" in p.message for p in errors)
    unknown = [p for p in errors if p.row == 4 and "'middle'" in p.message]
    assert unknown and "young" in unknown[0].fix and "old" in unknown[0].fix
    assert any(p.row == 5 and "empty value" in p.message for p in errors)
    assert any("region" in p.message and p.row is None for p in errors)
    # the extra column is only a warning
    assert any("email" in p.message for p in err.value.warnings)
    assert len(text) >= 7


def test_names_and_values_match_ignoring_case_and_spaces():
    quotas = pd.DataFrame({"feature": ["Gender", "Gender"], "value": ["Female", "Male"],
                           "min": [1, 1], "max": [1, 1]})
    pool = pd.DataFrame({" gender ": ["  female", "MALE", "Male"], "ID": ["1", "2", "3"]})
    inst = load_instance(quotas, pool, 2)
    assert inst.pool.ids == ("1", "2", "3")
    assert inst.pool.codes[:, 0].tolist() == [0, 1, 1]


def test_id_column_option_and_row_numbers():
    quotas = pd.DataFrame({"feature": ["g"], "value": ["x"], "min": [0], "max": [5]})
    pool = pd.DataFrame({"ref": ["r1", "r2"], "g": ["x", "x"]})
    inst = load_instance(quotas, pool, 1, id_column="ref")
    assert inst.pool.ids == ("r1", "r2")
    inst = load_instance(quotas, pool, 1)
    assert inst.pool.ids == ("1", "2")  # row numbers when there is no id column
    with pytest.raises(InputError, match="id column 'nope' not found"):
        load_instance(quotas, pool, 1, id_column="nope")


def test_panel_size_problems():
    quotas = pd.DataFrame({"feature": ["g"], "value": ["x"], "min": [0], "max": [5]})
    pool = pd.DataFrame({"id": ["a"], "g": ["x"]})
    with pytest.raises(InputError, match="larger than the pool"):
        load_instance(quotas, pool, 3)
    with pytest.raises(InputError, match="must be positive"):
        load_instance(quotas, pool, 0)


def test_households_are_normalised(tiny_frames):
    quotas, pool = tiny_frames
    pool = pool.copy()
    pool.loc[2, "address"] = "  A. "
    inst = load_instance(quotas, pool, 3, household_columns=["address"])
    hh = inst.pool.households
    assert hh[0] == hh[1] == hh[2]
    assert len(set(hh.tolist())) == 8
    with pytest.raises(InputError, match="household column 'street' not found"):
        load_instance(quotas, pool, 3, household_columns=["street"])


def test_xlsx_pool(tmp_path, tiny_frames):
    quotas, pool = tiny_frames
    path = tmp_path / "people.xlsx"
    pool.to_excel(path, index=False)
    inst = load_instance(quotas, path, 3)
    assert inst.pool.n == 10
