"""What a detector found: how the answer differs (an observation, always exactly true) and,
only when the evidence confirms it, why (a cause). See the package docstring for the rule."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """`how`: what the numbers show ("every value is 2 times the expected one"); `why`: the
    likely cause, '' when the evidence does not single one out; `would`: that cause when this
    one answer was not evidence enough for it (a probe may confirm it: grader.diagnosis.probes).
    """

    how: str = ""
    why: str = ""
    would: str = ""

    def __bool__(self) -> bool:
        return bool(self.how)

    def text(self) -> str:
        """The observation, followed by the cause when there is one."""
        return f"{self.how}: {self.why}" if self.why else self.how

    def observed(self) -> Finding:
        """The observation alone (the cause dropped, for good: another cause fits as well)."""
        return Finding(self.how)

    def confirmed(self) -> Finding:
        """The finding with the cause it was waiting for."""
        return Finding(self.how, self.why or self.would)

    def within(self, where: str) -> Finding:
        """The same finding about a part of the answer ("in item 2: ...")."""
        return Finding(f"{where}: {self.how}", self.why, self.would) if self.how else self


NOTHING = Finding()


def found(how: str, why: str = "", evidence: bool = True) -> Finding:
    """A finding whose cause is kept only when `evidence` holds (else it waits, as `would`,
    for a probe to confirm it)."""
    return Finding(how, why, "") if evidence else Finding(how, "", why)
