"""The instructor's authoritative grading: submissions and their sources, whitelist staging, the
child-process harness with its limits, the tamper check, the batch runner and the SQLite
gradebook with its exports.

Grading reaches student code only through the staged implementation folder that the harness
passes to pytest as `--impl`; nothing here imports it.
"""
