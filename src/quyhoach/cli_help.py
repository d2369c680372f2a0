"""The `quyhoach` command's help in Vietnamese, the officers' language: each command and option
says its own help (`help=` where it is declared); this module words the frame click adds around
them — the --help option, "Usage:", the section headings, "[default: …]", "[required]"."""

from __future__ import annotations

import re

import click

HELP_OPTION = "xem hướng dẫn này rồi thoát"
HEADINGS = {"Options": "Tùy chọn", "Commands": "Lệnh", "Positional arguments": "Tham số"}
_EXTRA = re.compile(r"\[([^\[\]]*)\]$")     # the "[default: x; required]" click appends to an option's help


def _extra_words(match: re.Match) -> str:
    words = match.group(1).replace("default: ", "mặc định: ").replace("env var: ", "biến môi trường: ")
    return "[" + re.sub(r"\brequired\b", "bắt buộc", words) + "]"


class Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _EXTRA.sub(_extra_words, text)) for term, text in rows], col_max, col_spacing)


class Context(click.Context):
    formatter_class = Formatter


def vietnamese(command: click.Command) -> click.Command:
    """The command and every subcommand under it, helped in Vietnamese."""
    command.context_class = Context
    if not any("--help" in param.opts for param in command.params):
        click.help_option("--help", help=HELP_OPTION)(command)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            vietnamese(sub)
    return command
