"""What a detector found: how the answer differs (an observation, always exactly true) and,
only when the evidence confirms it, why (a cause). See the package docstring for the rule."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """`how`: what the numbers show ("every value is 2 times the expected one"); `why`: the
    likely cause, '' when the evidence does not single one out."""

    how: str = ""
    why: str = ""

    def __bool__(self) -> bool:
        return bool(self.how)

    def text(self) -> str:
        """The observation, followed by the cause when there is one."""
        return f"{self.how}: {self.why}" if self.why else self.how

    def observed(self) -> Finding:
        """The observation alone (the cause dropped)."""
        return Finding(self.how)

    def within(self, where: str) -> Finding:
        """The same finding about a part of the answer ("in item 2: ...")."""
        return Finding(f"{where}: {self.how}", self.why) if self.how else self


NOTHING = Finding()


def found(how: str, why: str = "", evidence: bool = True) -> Finding:
    """A finding whose cause is kept only when `evidence` holds."""
    return Finding(how, why if evidence else "")
