/* HexaHype course site: reading progress, copy buttons and quizzes, all in this browser.
 *
 * State lives in localStorage under one key per site (the site's address), as
 *   {"version": 1, "read": {"1.3": true}, "quiz": {"1.10": {"q1": "b"}}}
 * A quiz answer is checked the way the kit checks it (grader/quizbank.py): a letter is
 * right when sha256("<salt>:<chapter>:<question>:<letter>") equals the question's key.
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

  // -- every page: the counter ------------------------------------------------------------------
  function refresh() {
    var state = load();
    var n = readCount(state);
    each("[data-counter]", function (el) {
      el.textContent = n + " of " + site.required.length + " read";
    });
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
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) refresh();
  });
  refresh();
  setupQuiz();
})();
