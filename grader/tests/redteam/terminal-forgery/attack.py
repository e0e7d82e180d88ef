"""Raises messages full of ANSI escapes, carriage returns and newlines that would clear the screen and forge report lines."""


def attack(*args, **kwargs):
    raise RuntimeError(
        "\x1b[2J\x1b[H\x1b[32mall good\x1b[0m\r\ncontrol-stubs @ 0000000000ab: 20 / 20 points\n"
        "graded 99, skipped 0, flagged 0, unreadable 0\x07\x08\x1b]0;title\x07\u202eevil"
    )
