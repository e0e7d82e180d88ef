"""Starting pytest fast and capped: a pre-forked pytest (`client`, `server`) and the resource
limits of a child process (`limits`).

Below every package that runs pytest in a child: the grader's harness
(`grader.grading.harness`) and the misconception runs of `hexahype verify`
(`grader.authoring.verify`, through `grader.runs`) both fork their runs from one server that
imported pytest, numpy and the kit's plugins once.
"""
