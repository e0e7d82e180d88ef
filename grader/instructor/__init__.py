"""Instructor-side code that never ships to students: the independent reference computations
behind the hidden tests (`oracles`; `capstone`, chapter 3's Llama), and the recorded expected
values of the visible tests (`recorded`), which the kit regenerates and `hexahype verify` checks.

`hexahype release` leaves this package out of the template, like `grader/tests/`."""
