"""`python -m panels ...`: the Flask command line with the app already chosen."""

from flask.cli import FlaskGroup


def main() -> None:
    from . import create_app

    FlaskGroup(create_app=lambda: create_app(), help="Civic lottery and panel manager.")(prog_name="panels")


if __name__ == "__main__":
    main()
