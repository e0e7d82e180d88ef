/* HexaHype course site: reading progress, exercise status, search, the theme toggle, copy
 * buttons and quizzes, all in this browser.
 *
 * Reading state lives in localStorage under one key per site (the site's address), as
 *   {"version": 1, "read": {"1.3": true}, "quiz": {"1.10": {"q1": "b"}}}
 * A quiz answer is checked the way the kit checks it (grader/quizbank.py): a letter is
 * right when sha256("<salt>:<chapter>:<question>:<letter>") equals the question's key.
 *
 * Exercise status comes from assets/status.json: a static site's says it is not available;
 * `hexahype site --serve` answers it from the learner's checkout as
 *   {"available": true, "lessons": {"1.3": {"status": "done", "message": ""}, ...}}
 * Every text from it is shown with textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  var body = document.body;
  var site = JSON.parse(document.getElementById("site-data").textContent);
  var root = body.getAttribute("data-root") || "";
  var KEY = "hexahype:" + site.course + ":" + new URL(root || "./", location.href).pathname;
  var memory = null; // used when the browser refuses localStorage
  var rescore = function () {}; // a quiz page's score, set up by setupQuiz

  function load() {
    var raw = null;
    try {
      raw = window.localStorage.getItem(KEY);
    } catch (e) {
      raw = memory;
    }
    var state;
    try {
      state = JSON.parse(raw || "{}") || {};
    } catch (e) {
      state = {};
    }
    if (typeof state.read !== "object" || state.read === null) state.read = {};
    if (typeof state.quiz !== "object" || state.quiz === null) state.quiz = {};
    return state;
  }

  function save(state) {
    state.version = 1;
    var raw = JSON.stringify(state);
    try {
      window.localStorage.setItem(KEY, raw);
    } catch (e) {
      memory = raw;
    }
  }

  function readCount(state) {
    return site.required.filter(function (id) { return state.read[id] === true; }).length;
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  // -- the quizzes' score, shared by the contents page and the quiz page ------------------------
  var hashes = {};
  function sha256(text) {
    if (hashes[text]) return hashes[text];
    if (!(window.crypto && window.crypto.subtle)) {
      return Promise.reject(new Error("this browser cannot check answers here"));
    }
    hashes[text] = window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))
      .then(function (buf) {
        return Array.prototype.map.call(new Uint8Array(buf), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        }).join("");
      });
    return hashes[text];
  }

  function isRight(quiz, question, letter) {
    return sha256(quiz.salt + ":" + quiz.chapter + ":" + question.id + ":" + letter)
      .then(function (h) { return h === question.key; });
  }

  function scoreLine(right, wrong, unanswered) {
    // the words of quizbank.score_line
    var line = right + " of " + (right + wrong + unanswered) + " right";
    if (wrong) line += ", " + wrong + " wrong";
    if (unanswered) line += ", " + unanswered + " unanswered";
    return line;
  }

  // -- exercise status, from the learner's checkout when served from it ------------------------
  var exercises = null; // null: not known yet; {available: false, reason}; {available: true, lessons}
  var WORDS = { "done": "✓ done", "failing": "✗ failing", "not started": "not started" };

  function exerciseOf(id) {
    var info = exercises && exercises.available && exercises.lessons ? exercises.lessons[id] : null;
    var status = info && typeof info.status === "string" ? info.status : "not started";
    return { status: WORDS[status] ? status : "not started",
             message: info && typeof info.message === "string" ? info.message : "" };
  }

  function loadExercises() {
    var unavailable = {
      available: false,
      reason: "Exercise status is not available here: it shows when you run " +
        "hexahype site --serve in your own checkout.",
    };
    if (location.protocol === "file:" || !window.fetch) {
      exercises = unavailable;
      refresh();
      return;
    }
    window.fetch(root + "assets/status.json", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : unavailable; })
      .then(function (data) {
        exercises = data && typeof data === "object" ? data : unavailable;
        if (!exercises.available && typeof exercises.reason !== "string") exercises = unavailable;
      }, function () { exercises = unavailable; })
      .then(refresh);
  }

  function showExercises() {
    if (exercises === null) return;
    var on = exercises.available === true;
    var done = on ? site.required.filter(function (id) {
      return exerciseOf(id).status === "done";
    }).length : 0;
    each("[data-done]", function (el) {
      el.hidden = false;
      el.textContent = on ? " · " + done + " of " + site.required.length + " done"
        : (el.hasAttribute("data-done-long") ? " · exercise status not available here" : "");
    });
    each("[data-status-note]", function (el) {
      el.hidden = on;
      el.textContent = on ? "" : exercises.reason;
    });
    each(".toc li[data-entry][data-kind=lesson]", function (li) {
      var cell = li.querySelector("[data-exercise-cell]");
      if (!cell) return;
      var ex = exerciseOf(li.getAttribute("data-entry"));
      cell.textContent = on ? WORDS[ex.status] : "";
      cell.className = "exercise-cell is-" + ex.status.replace(" ", "-");
    });
    var status = document.querySelector("[data-exercise-status]");
    var message = document.querySelector("[data-exercise-message]");
    if (status) {
      var ex = exerciseOf(body.getAttribute("data-entry"));
      status.textContent = on ? WORDS[ex.status] : exercises.reason;
      status.className = on ? "is-" + ex.status.replace(" ", "-") : "unavailable";
      var show = on && ex.status === "failing" && ex.message !== "";
      message.hidden = !show;
      message.textContent = show ? ex.message : "";
    }
  }

  // -- every page: the counter ------------------------------------------------------------------
  function refresh() {
    var state = load();
    var n = readCount(state);
    each("[data-counter]", function (el) {
      el.textContent = n + " of " + site.required.length + " read";
    });
    showExercises();
    each(".toc li[data-entry]", function (li) {
      var id = li.getAttribute("data-entry");
      var status = li.querySelector("[data-status]");
      if (li.getAttribute("data-kind") === "quiz") {
        var answers = state.quiz[id] || {};
        var count = Object.keys(answers).length;
        status.textContent = count ? count + " answered" : "";
        li.classList.toggle("is-started", count > 0);
      } else {
        var read = state.read[id] === true;
        status.textContent = read ? "✓ read" : "";
        li.classList.toggle("is-read", read);
      }
    });
    each("[data-start]", function (a) {
      var next = site.required.filter(function (id) { return state.read[id] !== true; })[0];
      if (n > 0 && next && site.pages[next]) {
        a.textContent = "Continue reading";
        a.setAttribute("href", root + site.pages[next]);
      } else {
        a.textContent = "Start reading";
        if (site.pages[site.required[0]]) a.setAttribute("href", root + site.pages[site.required[0]]);
      }
    });
    each("[data-mark-read]", function (button) {
      var id = body.getAttribute("data-entry");
      var read = state.read[id] === true;
      button.setAttribute("aria-pressed", read ? "true" : "false");
      button.textContent = read ? "✓ Read" : "Mark as read";
      var note = document.querySelector("[data-read-note]");
      if (note) {
        note.textContent = read ? "Marked as read. Press again to unmark." : "";
      }
    });
  }

  function toggleRead() {
    var id = body.getAttribute("data-entry");
    var state = load();
    if (state.read[id] === true) {
      delete state.read[id];
    } else {
      state.read[id] = true;
    }
    save(state);
    refresh();
  }

  function reset() {
    var ok = window.confirm(
      "Forget which lessons you marked read and your quiz answers, in this browser?");
    if (!ok) return;
    try {
      window.localStorage.removeItem(KEY);
    } catch (e) {
      memory = null;
    }
    refresh();
    each("[data-feedback]", function (el) { el.textContent = ""; });
    each(".question input[type=radio]", function (input) { input.checked = false; });
    rescore();
  }

  // -- copy buttons -------------------------------------------------------------------------------
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand("copy");
      document.body.removeChild(area);
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  function onCopy(button) {
    var text = button.getAttribute("data-copy-text");
    if (text === null) {
      var code = button.parentNode.querySelector("pre");
      text = code ? code.textContent : "";
    }
    copyText(text.replace(/\n$/, "")).then(function () {
      button.textContent = "Copied";
    }, function () {
      button.textContent = "Select and copy";
    });
    window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
  }

  // -- the outline: open beside the lesson on a wide screen, folded above it on a narrow one --
  function setupOutline() {
    var outline = document.querySelector("[data-outline]");
    if (outline && window.matchMedia && !window.matchMedia("(min-width: 80rem)").matches) {
      outline.open = false;
    }
  }

  // -- the theme toggle (theme.js has set the theme already) -----------------------------------
  function showTheme() {
    var dark = window.hexahypeTheme && window.hexahypeTheme.current() === "dark";
    each("[data-theme-toggle]", function (button) {
      button.setAttribute("aria-pressed", dark ? "true" : "false");
    });
  }

  function toggleTheme() {
    if (!window.hexahypeTheme) return;
    window.hexahypeTheme.set(window.hexahypeTheme.current() === "dark" ? "light" : "dark");
    showTheme();
  }

  // -- search: Pagefind's index, built with the site, loaded on first use ------------------------
  function setupSearch() {
    var form = document.querySelector("[data-search-form]");
    if (!form) return;
    var input = form.querySelector("input");
    var status = document.querySelector("[data-search-status]");
    var list = document.querySelector("[data-search-results]");
    var engine = null;
    var asked = 0;

    function pagefind() {
      if (!engine) {
        var base = new URL(root || "./", location.href);
        engine = import(new URL("assets/search/pagefind.js", base).href).then(function (pf) {
          return pf.options({ baseUrl: base.pathname, excerptLength: 24 }).then(function () {
            return pf;
          });
        });
      }
      return engine;
    }

    function excerpt(html) {
      // Pagefind's excerpt is the page's own text with <mark> around the words found: keep the
      // text and the marks, nothing else.
      var out = document.createDocumentFragment();
      var tpl = document.createElement("template");
      tpl.innerHTML = html;
      Array.prototype.forEach.call(tpl.content.childNodes, function (node) {
        if (node.nodeName === "MARK") {
          var mark = document.createElement("mark");
          mark.textContent = node.textContent;
          out.appendChild(mark);
        } else {
          out.appendChild(document.createTextNode(node.textContent));
        }
      });
      return out;
    }

    function show(query, results) {
      list.textContent = "";
      results.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.url;
        a.textContent = (r.meta && r.meta.title) || r.url;
        var p = document.createElement("p");
        p.appendChild(excerpt(r.excerpt || ""));
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      status.textContent = results.length
        ? results.length + (results.length === 1 ? " page" : " pages") + " found for “" + query + "”"
        : "Nothing found for “" + query + "”";
    }

    function run() {
      var query = input.value.trim();
      var mine = ++asked;
      if (!query) {
        list.hidden = true;
        list.textContent = "";
        status.textContent = "";
        return;
      }
      if (location.protocol === "file:") {
        status.textContent = "Search works when the site is served (hexahype site --serve).";
        return;
      }
      pagefind()
        .then(function (pf) { return pf.debouncedSearch(query, {}, 200); })
        .then(function (search) {
          if (!search || mine !== asked) return null;
          return Promise.all(search.results.slice(0, 8).map(function (r) { return r.data(); }));
        })
        .then(function (results) { if (results && mine === asked) show(query, results); })
        .catch(function () { status.textContent = "Search could not load here."; });
    }

    input.addEventListener("input", run);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
      if (first) first.focus();
      else run();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.value = ""; run(); }
    });
  }

  // -- quiz pages ---------------------------------------------------------------------------------
  function decode(b64) {
    var bin = window.atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  }

  function setupQuiz() {
    var node = document.getElementById("quiz-data");
    if (!node) return;
    var quiz = JSON.parse(node.textContent);
    var byId = {};
    quiz.questions.forEach(function (q) { byId[q.id] = q; });

    function answers() {
      return load().quiz[quiz.quiz] || {};
    }

    function showScore() {
      var given = answers();
      var checks = quiz.questions.map(function (q) {
        var letter = given[q.id];
        if (quiz.letters.indexOf(letter) < 0) return Promise.resolve(letter ? "wrong" : "unanswered");
        return isRight(quiz, q, letter).then(function (ok) { return ok ? "right" : "wrong"; });
      });
      return Promise.all(checks).then(function (results) {
        var count = function (s) { return results.filter(function (r) { return r === s; }).length; };
        var line = scoreLine(count("right"), count("wrong"), count("unanswered"));
        each("[data-score]", function (el) { el.textContent = line; });
      });
    }

    function feedback(form, question, letter) {
      return isRight(quiz, question, letter).then(function (ok) {
        var box = document.createElement("div");
        box.className = "attempt " + (ok ? "right" : "wrong");
        box.setAttribute("data-letter", letter);
        var verdict = document.createElement("p");
        verdict.className = "verdict";
        var given = document.createElement("span");
        given.className = "given";
        given.textContent = "Answer " + letter + ": ";
        var head = document.createElement("strong");
        head.textContent = ok ? quiz.right : quiz.wrong;
        verdict.appendChild(given);
        verdict.appendChild(head);
        var why = document.createElement("p");
        why.className = "why";
        // rendered by the site builder from the quiz file, with raw HTML escaped
        why.innerHTML = decode(question.explanations[letter]);
        box.appendChild(verdict);
        box.appendChild(why);
        form.querySelector("[data-feedback]").appendChild(box);
        return ok;
      });
    }

    each("form[data-question]", function (form) {
      var question = byId[form.getAttribute("data-question")];
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var checked = form.querySelector("input[type=radio]:checked");
        var area = form.querySelector("[data-feedback]");
        if (!checked) {
          area.textContent = "Please choose one of " + quiz.letters.join(", ") + " first.";
          return;
        }
        var letter = checked.value;
        var last = area.lastElementChild;
        if (!last || !last.classList.contains("attempt")) area.textContent = "";
        var state = load();
        state.quiz[quiz.quiz] = state.quiz[quiz.quiz] || {};
        state.quiz[quiz.quiz][question.id] = letter;
        save(state);
        feedback(form, question, letter).then(showScore, function (err) {
          area.textContent = err.message + ": open the site over https, on localhost or as a file.";
        });
      });
      var given = answers()[question.id];
      if (given && quiz.letters.indexOf(given) >= 0) {
        var input = form.querySelector("input[value='" + given + "']");
        if (input) input.checked = true;
        feedback(form, question, given).catch(function () {});
      }
    });
    rescore = function () { showScore().catch(function () {}); };
    rescore();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button") : null;
    if (!target) return;
    if (target.classList.contains("copy")) onCopy(target);
    else if (target.hasAttribute("data-mark-read")) toggleRead();
    else if (target.hasAttribute("data-reset")) reset();
    else if (target.hasAttribute("data-theme-toggle")) toggleTheme();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) refresh();
  });
  refresh();
  showTheme();
  if (window.matchMedia) {
    var media = window.matchMedia("(prefers-color-scheme: dark)");
    if (media.addEventListener) media.addEventListener("change", showTheme);
  }
  setupOutline();
  setupSearch();
  loadExercises();
  setupQuiz();
})();
