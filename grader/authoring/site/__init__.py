"""The course as a static web site (`hexahype site OUT/`).

    model.py     what the site holds, from the manifest: pages, teaching order, what is counted
    render.py    lesson markdown to HTML (markdown-it-py, Pygments, latex2mathml for the TeX),
                 links (files, "lesson 2.2", papers), figures, outlines, "Your turn"
    quizdata.py  a quiz page's content, from the quiz that `hexahype quiz` asks
    build.py     the Jinja2 templates, the figures and the assets written into OUT, then
                 Pagefind's search index of the pages
    serve.py     `--serve`: a loopback-only preview server that answers assets/status.json
                 with the checkout's exercise status
    command.py   the verb

model.py, serve.py and command.py import only the standard library and the kit, so the verb can
name the missing `site` extra instead of failing on an import. The GitHub Pages workflow that
publishes the site is part of the student template: grader/site_workflow.py.
"""
