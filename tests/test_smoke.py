from generator.cli import app
from generator.pipeline import check_file


def test_every_input_checks_clean(input_path):
    checked = check_file(input_path)
    assert checked.ok, [f.format() for f in checked.findings]


def test_check_command_exit_codes(runner, input_path, tmp_path):
    assert runner.invoke(app, ["check", str(input_path)]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        input_path.read_text(encoding="utf-8").replace("new:", "new: [1, 0, 0, 0, 0, 0]\n  xnew:", 1), encoding="utf-8"
    )
    assert runner.invoke(app, ["check", str(bad)]).exit_code == 1
    assert runner.invoke(app, ["check"]).exit_code == 2
