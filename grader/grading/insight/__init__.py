"""After grading: what the gradebook tells an instructor.

- `late`: the late policy of course.toml (deadlines per chapter or lesson, free late days, the
  per-student extension file, a capped per-day penalty or a hard cut-off);
- `book`: a gradebook opened only after it proved to be one, and the instructor's overrides;
- `scores`: raw points, late penalty, override and final points per student and lesson;
- `roster`, `lms`: the Canvas and Moodle grade import files;
- `report`, `shapes`, `plots`, `misconceptions`: the class report;
- `similarity`: pairs of submissions that share more than the starter code;
- `solutions`: reference solutions for the students who may see them;
- `safe`: every student string made inert in CSV, HTML and markdown.
"""
