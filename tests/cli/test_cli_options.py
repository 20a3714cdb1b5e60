"""Each short option letter means one thing in every command (issue 9, item 7)."""

from collections import defaultdict

import typer

from accord.cli import app


def _options(command, path=()):
    """(command path, long name, short letters) of every option of every (sub)command."""
    for name, sub in getattr(command, "commands", {}).items():
        yield from _options(sub, (*path, name))
    for param in command.params:
        if param.param_type_name != "option":
            continue
        names = [*param.opts, *param.secondary_opts]
        longs = [n for n in names if n.startswith("--")]
        shorts = [n for n in names if not n.startswith("--")]
        yield " ".join(path), (longs[0] if longs else param.name), shorts


def test_a_short_letter_has_one_meaning_across_all_commands():
    meanings = defaultdict(set)
    where = defaultdict(list)
    options = list(_options(typer.main.get_command(app)))
    assert len({path for path, _, _ in options}) >= 8  # the walk reaches the subcommands
    for path, long_name, shorts in options:
        for short in shorts:
            meanings[short].add(long_name)
            where[short].append(f"{path} {long_name}")
    clashes = {short: where[short] for short, longs in meanings.items() if len(longs) > 1}
    assert clashes == {}
    assert meanings["-o"] == {"--out"} and meanings["-f"] == {"--format"}


def test_compare_has_no_o_letter_any_more():
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["compare", "a", "b", "-o", "x"])
    assert result.exit_code == 2 and "No such option" in result.output
