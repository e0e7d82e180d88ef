"""The learner's side of the kit: the pytest plugin, progress state, dashboard, hints, watch
and quiz."""
