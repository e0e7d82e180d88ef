"""The course as a static web site (`hexahype site OUT/`).

    model.py     what the site holds, from the manifest: pages, teaching order, what is counted
    render.py    lesson markdown to HTML (markdown-it-py, Pygments), links, figures, "Your turn"
    quizdata.py  a quiz page's content, from the quiz that `hexahype quiz` asks
    build.py     the Jinja2 templates, the figures and the assets written into OUT
    serve.py     `--serve`: a loopback-only preview server
    command.py   the verb

model.py, serve.py and command.py import only the standard library and the kit, so the verb can
name the missing `site` extra instead of failing on an import. The GitHub Pages workflow that
publishes the site is part of the student template: grader/site_workflow.py.
"""
