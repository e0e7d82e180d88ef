"""The instructor's authoritative grading: submissions and their sources, whitelist staging, the
child-process harness with its limits, the tamper check, the batch runner and the SQLite
gradebook with its exports.

Nothing here imports student code. The harness (pytest running the instructor's tests) hands
tests module proxies (`proxy`); their calls cross as plain data (`wire`) to one long-lived
worker process per submission (`worker`), started under bubblewrap when it works, with resource
limits and an unprivileged user always (`sandbox`).
"""
