"""The `quyhoach` command (and `python -m quyhoach`): the commands of `quyhoach.cli` over the
app factory. Kept apart from `cli` so that the commands do not import the factory that
registers them.

The commands sit on the group itself, so that `--help` lists and describes them without
making the app; a command makes it when it runs (`with_appcontext`), without the web pages
unless it serves or renders them (`cli.WITH_PAGES`)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import ScriptInfo

from quyhoach import create_app
from quyhoach.cli import COMMANDS, WITH_PAGES, os_user
from quyhoach.cli_help import vietnamese


def _app(pages: bool = True) -> Flask:
    from quyhoach.services.platform import audit

    audit.set_actor(os_user())     # once per command (it makes the app once): every change it makes is theirs
    return create_app(pages=pages)


class _Commands(click.Group):
    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        pages = name in WITH_PAGES
        ctx.ensure_object(ScriptInfo).create_app = lambda: _app(pages)
        return name, command, rest


def main() -> None:
    group = vietnamese(_Commands("quyhoach", commands=COMMANDS, help="quyhoach: quy hoạch và luân chuyển cán bộ."))
    group.main(prog_name="quyhoach", obj=ScriptInfo(create_app=_app, set_debug_flag=False, load_dotenv_defaults=False))


if __name__ == "__main__":
    main()
