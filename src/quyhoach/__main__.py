"""The `quyhoach` command (and `python -m quyhoach`): Flask's command group over the app
factory, with the commands of `quyhoach.cli`. Kept apart from `cli` so that the commands do
not import the factory that registers them."""

from __future__ import annotations

from flask.cli import FlaskGroup

from quyhoach import create_app
from quyhoach.cli import os_user
from quyhoach.services.platform import audit


def main() -> None:
    audit.set_actor(os_user())     # once per command: every change it makes is theirs
    group = FlaskGroup(create_app=lambda: create_app(), add_default_commands=False, add_version_option=False,
                       load_dotenv=False, help="quyhoach: quy hoạch và luân chuyển cán bộ.")
    group.main(prog_name="quyhoach")


if __name__ == "__main__":
    main()
