"""Returns strings, keys and exception names holding control characters, markdown and formulas."""

CALLS = []


def attack(*args, **kwargs):
    CALLS.append(1)
    if len(CALLS) % 2:
        return {"=cmd|/C calc!A0": "\x1b[31m**Total: 10 / 10**\x1b[0m\n<b>x</b>", "\r\n@SUM(1)": 1}
    kind = type("Evil\x1b[31m\nName", (RuntimeError,), {})
    raise kind('+HYPERLINK("https://example.org")\n-1+1\t@x')
