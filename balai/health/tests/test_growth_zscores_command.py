import csv

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from balai.health.management.commands.growth_zscores import RESULT_COLUMNS


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _read_rows(path, delimiter=","):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_command_writes_zscores_and_categories(tmp_path, capsys):
    # given golden row 1 (girl, 683 days, lying) and row 60 (boy, 269 days) of WHO's sample
    source = _write(
        tmp_path / "in.csv",
        "id,sex,age_days,weight_kg,height_cm,measured,oedema\n"
        "a,P,683,10.3999996185303,84.8000030517578,l,n\n"
        "b,1,269,6.30000019073486,64.8000030517578,l,\n",
    )
    target = tmp_path / "out.csv"

    # when
    call_command("growth_zscores", str(source), "-o", str(target))

    # then
    rows = _read_rows(target)
    assert list(rows[0]) == [
        "id",
        "sex",
        "age_days",
        "weight_kg",
        "height_cm",
        "measured",
        "oedema",
        *RESULT_COLUMNS,
    ]
    assert (rows[0]["z_lhfa"], rows[0]["z_wfa"], rows[0]["z_wflh"], rows[0]["z_bmi"]) == (
        "-0.07",
        "-0.57",
        "-0.81",
        "-0.79",
    )
    assert (rows[0]["cat_lhfa"], rows[0]["cat_wfa"], rows[0]["cat_wflh"], rows[0]["cat_bmi"]) == (
        "normal",
        "bb_normal",
        "gizi_baik",
        "gizi_baik",
    )
    assert (rows[1]["z_lhfa"], rows[1]["z_wfa"]) == ("-3.11", "-3.08")
    assert (rows[1]["cat_lhfa"], rows[1]["cat_wfa"]) == ("sangat_pendek", "bb_sangat_kurang")
    assert rows[1]["id"] == "b"
    assert "2 baris dihitung, 0 baris dilaporkan" in capsys.readouterr().out


def test_command_not_applicable_is_empty_not_an_error(tmp_path, capsys):
    # given a child past five but before 61 months, and one with oedema
    source = _write(
        tmp_path / "in.csv",
        "sex,age_days,weight_kg,height_cm,measured,oedema\n1,1840,18,108,h,n\n2,400,9,75,l,y\n",
    )
    target = tmp_path / "out.csv"

    call_command("growth_zscores", str(source), "-o", str(target))

    first, second = _read_rows(target)
    assert all(first[column] == "" for column in RESULT_COLUMNS)
    assert second["z_lhfa"] != ""
    assert (second["z_wfa"], second["z_wflh"], second["z_bmi"], second["cat_wfa"]) == ("", "", "", "")


def test_command_reports_bad_rows_with_line_numbers_and_exits_one(tmp_path, capsys):
    # given
    source = _write(
        tmp_path / "in.csv",
        "sex,age_days,weight_kg,height_cm,measured,oedema\n"
        "1,300,8,70,l,n\n"
        "3,300,8,70,l,n\n"
        "2,tiga,8,70,l,n\n"
        "2,300,8,70,x,n\n"
        "2,300,,,l,n\n"
        "2,300,-8,70,l,n\n"
        "2,300,8,70,l,ya\n",
    )
    target = tmp_path / "out.csv"

    # when
    with pytest.raises(SystemExit) as exit_info:
        call_command("growth_zscores", str(source), "-o", str(target))

    # then
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    for line, fragment in [
        (3, "sex"),
        (4, "age_days"),
        (5, "measured"),
        (6, "kosong"),
        (7, "weight_kg"),
        (8, "oedema"),
    ]:
        assert f"baris {line}: " in err
        assert fragment in err.split(f"baris {line}: ")[1].splitlines()[0]
    assert "baris 2:" not in err
    rows = _read_rows(target)
    assert len(rows) == 7
    assert rows[0]["z_wfa"] != ""
    assert all(row[column] == "" for row in rows[1:] for column in RESULT_COLUMNS)


def test_command_reads_semicolons_and_decimal_commas(tmp_path):
    source = _write(
        tmp_path / "in.csv",
        "sex;age_days;weight_kg;height_cm\nP;683;10,4;84,8\n",
    )
    target = tmp_path / "out.csv"

    call_command("growth_zscores", str(source), "-o", str(target))

    (row,) = _read_rows(target, delimiter=";")
    assert (row["z_lhfa"], row["cat_lhfa"]) == ("-0.07", "normal")


def test_command_writes_implausible_flags(tmp_path):
    source = _write(tmp_path / "in.csv", "sex,age_days,weight_kg,height_cm,measured\n1,731,2,86,h\n")
    target = tmp_path / "out.csv"

    call_command("growth_zscores", str(source), "-o", str(target))

    (row,) = _read_rows(target)
    assert set(row["flags"].split(";")) == {"bmi", "wfa", "wflh"}


@pytest.mark.parametrize(
    ("content", "output", "message"),
    [
        (None, "out.csv", "tidak ada"),
        ("sex,age_days,weight_kg\n1,3,4\n", "out.csv", "height_cm"),
        ("sex,age_days,weight_kg,height_cm,z_wfa\n", "out.csv", "z_wfa"),
        ("sex,age_days,weight_kg,height_cm\n", "nowhere/out.csv", "Folder"),
    ],
)
def test_command_usage_errors_exit_two(tmp_path, content, output, message):
    source = tmp_path / "in.csv"
    if content is not None:
        _write(source, content)

    with pytest.raises(CommandError, match=message) as exc_info:
        call_command("growth_zscores", str(source), "-o", str(tmp_path / output))

    assert exc_info.value.returncode == 2
