"""Never returns."""


def attack(*args, **kwargs):
    while True:
        pass
