/* Tap a word, see its meaning; keep your words.
   An article's words are told apart by what its page fetches the first time a word is
   tapped (or at once, to mark them, when the reader has saved words): how many syllables
   each Vietnamese word has, read when the article was saved, and the meanings of its words.
   Saved words stay in this browser (localStorage). Progressive: without this script the
   article reads as it is, and the words page says it needs it. */
(function () {
  "use strict";

  var STORE = "newsreader:words";
  var SYLLABLE = /[\p{L}\p{N}]+/gu; /* articles/words.py reads syllables alike */
  var LETTERS = /\p{L}+/gu;

  function savedWords() {
    try { return JSON.parse(localStorage.getItem(STORE)) || []; } catch (e) { return []; }
  }

  function keep(list) {
    try { localStorage.setItem(STORE, JSON.stringify(list)); } catch (e) { /* private mode */ }
  }

  function savedIndex(list, word, lang) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].word === word && list[i].lang === lang) { return i; }
    }
    return -1;
  }

  function keyOf(text, lang) {
    return (text.toLowerCase().match(lang === "vi" ? SYLLABLE : LETTERS) || []).join(" ");
  }

  /* --- An article -------------------------------------------------------------------- */

  function setUpArticle(article, template) {
    var ui = template.content.cloneNode(true);
    var toggle = ui.querySelector(".words-toggle");
    var popover = ui.querySelector(".word-popover");
    var data = null;
    var loading = null;
    var current = null;

    var modes = article.querySelector(".reading-modes");
    (modes || article).insertAdjacentElement("afterend", toggle);
    document.body.appendChild(popover);

    /* The pieces of text whose words are told apart, with their line among the lengths:
       the title, the caption, then each block. */
    var TEXTS = ".article-header h1, .article-header .title-en, figcaption > [lang], .blocks p[lang]";

    function pieces() {
      var found = [];
      article.querySelectorAll(".article-header h1, .article-header .title-en").forEach(function (el) {
        found.push([el, 0]);
      });
      article.querySelectorAll("figcaption > [lang]").forEach(function (el) { found.push([el, 1]); });
      article.querySelectorAll(".blocks > *").forEach(function (block, n) {
        var texts = block.matches("[lang]") ? [block] : block.querySelectorAll("p[lang]");
        texts.forEach(function (el) { found.push([el, 2 + n]); });
      });
      return found;
    }

    function load() {
      if (!loading) {
        loading = fetch(article.getAttribute("data-words"), { credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) { throw new Error(response.status); }
            return response.json();
          })
          .then(function (json) {
            data = json;
            pieces().forEach(function (piece) { wrap(piece[0], piece[1]); });
            var first = article.querySelector(".word");
            if (first) { first.tabIndex = 0; }
            markSaved();
          }, function (error) {
            loading = null;  /* the next tap tries again */
            throw error;
          });
      }
      return loading;
    }

    function wrap(el, line) {
      var lang = el.getAttribute("lang");
      if (lang !== "vi" && lang !== "en") { return; }
      var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      var syllables = [];
      while (walker.nextNode()) {
        var node = walker.currentNode;
        var pattern = new RegExp(lang === "vi" ? SYLLABLE.source : LETTERS.source, "gu");
        var match;
        while ((match = pattern.exec(node.data))) {
          syllables.push({ node: node, start: match.index, end: match.index + match[0].length });
        }
      }
      var sizes = lang === "vi" ? (data.lengths[line] || "").split("").map(function (digit) {
        return parseInt(digit, 36);
      }) : [];
      var total = sizes.reduce(function (sum, size) { return sum + size; }, 0);
      if (total !== syllables.length) { sizes = syllables.map(function () { return 1; }); }
      var words = [];
      var at = 0;
      sizes.forEach(function (size) {
        var first = syllables[at], last = syllables[at + size - 1];
        at += size;
        if (first.node === last.node) { words.push({ node: first.node, start: first.start, end: last.end }); }
      });
      for (var i = words.length - 1; i >= 0; i--) {  /* last first: earlier offsets hold */
        var range = document.createRange();
        range.setStart(words[i].node, words[i].start);
        range.setEnd(words[i].node, words[i].end);
        var span = document.createElement("span");
        span.className = "word";
        span.tabIndex = -1;
        span.setAttribute("aria-haspopup", "dialog");
        span.setAttribute("role", "button");
        range.surroundContents(span);
      }
    }

    function langOf(word) { return word.closest("[lang]").getAttribute("lang"); }

    function markSaved() {
      var saved = savedWords();
      article.querySelectorAll(".word").forEach(function (word) {
        var lang = langOf(word);
        word.classList.toggle("saved", savedIndex(saved, keyOf(word.textContent, lang), lang) >= 0);
      });
    }

    function part(selector) { return popover.querySelector(selector); }

    function show(selector, text) {
      var el = part(selector);
      el.hidden = !text;
      return el;
    }

    function alignedText(word) {
      var block = word.closest(".blocks > *");
      if (!block) { return ""; }
      var own = word.closest("p[lang]");
      var other = Array.prototype.filter.call(block.querySelectorAll("p[lang]"), function (p) {
        return p !== own && !p.classList.contains("missing");
      })[0];
      return other ? other.textContent.trim() : "";
    }

    function sentenceOf(word) {
      var text = word.closest("[lang]").textContent;
      var before = document.createRange();
      before.setStart(word.closest("[lang]"), 0);
      before.setEndBefore(word);
      var offset = before.toString().length;
      var sentences = text.match(/[^.!?…]+[.!?…]*["”’)]*\s*/g) || [text];
      var start = 0;
      for (var i = 0; i < sentences.length; i++) {
        if (offset < start + sentences[i].length) { return sentences[i].trim(); }
        start += sentences[i].length;
      }
      return text.trim();
    }

    function open(word) {
      if (current) { close(false); }
      current = word;
      var lang = langOf(word);
      var key = keyOf(word.textContent, lang);
      var meaning = (data[lang] || {})[key] || {};
      var known = Boolean(meaning.g || meaning.t);
      var title = part("#word-popover-word");
      title.textContent = word.textContent;
      title.setAttribute("lang", lang);
      show(".word-popover-pos", meaning.p).textContent = meaning.p || "";
      var lemma = show(".word-popover-lemma", meaning.l);
      lemma.querySelector("span").textContent = meaning.l || "";
      var glosses = show(".word-popover-glosses", meaning.g || meaning.t);
      glosses.textContent = meaning.g || meaning.t || "";
      glosses.setAttribute("lang", lang === "vi" ? "en" : "vi");
      show(".word-popover-note", meaning.n).textContent = meaning.n || "";
      var entity = show(".word-popover-entity", meaning.e);
      entity.querySelector("a").href = meaning.e || "";
      entity.querySelector("span").textContent = meaning.t || "";
      var unknown = show(".word-popover-unknown", !known);
      if (!known) {
        var aligned = alignedText(word);
        unknown.querySelector(".word-popover-aligned").textContent = aligned;
        unknown.querySelector(".word-popover-aligned").hidden = !aligned;
        unknown.querySelector(".word-popover-aligned-label").hidden = !aligned;
        unknown.querySelector(".word-popover-aligned-link").hidden = Boolean(aligned);
      }
      var save = part(".word-popover-save");
      save.setAttribute("aria-pressed", String(savedIndex(savedWords(), key, lang) >= 0));
      word.setAttribute("aria-expanded", "true");
      popover.hidden = false;
      place(word);
      part(".word-popover-close").focus();
    }

    function place(word) {
      var box = word.getBoundingClientRect();
      var width = popover.offsetWidth;
      var left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
      popover.style.left = left + "px";
      popover.style.top = (box.bottom + window.scrollY + 6) + "px";
    }

    function close(refocus) {
      if (!current) { return; }
      popover.hidden = true;
      current.setAttribute("aria-expanded", "false");
      if (refocus !== false) { current.focus(); }
      current = null;
    }

    function toggleSaved() {
      var lang = langOf(current);
      var key = keyOf(current.textContent, lang);
      var list = savedWords();
      var index = savedIndex(list, key, lang);
      if (index >= 0) {
        list.splice(index, 1);
      } else {
        var meaning = (data[lang] || {})[key] || {};
        var title = article.querySelector(".article-header h1");
        list.push({
          word: key, lang: lang, gloss: meaning.g || meaning.t || "",
          sentence: sentenceOf(current), url: location.pathname,
          title: title ? title.textContent.trim() : document.title, saved: new Date().toISOString()
        });
      }
      keep(list);
      part(".word-popover-save").setAttribute("aria-pressed", String(index < 0));
      markSaved();
    }

    function moveFocus(word, step) {
      var all = Array.prototype.slice.call(article.querySelectorAll(".word"));
      var next = all[all.indexOf(word) + step];
      if (next) {
        word.tabIndex = -1;
        next.tabIndex = 0;
        next.focus();
      }
    }

    function wordAt(x, y) {
      var el = document.elementFromPoint(x, y);
      return el && el.closest ? el.closest(".word") : null;
    }

    article.addEventListener("click", function (event) {
      var word = event.target.closest(".word");
      if (word) { open(word); return; }
      if (data || event.target.closest("a, button") || !event.target.closest(TEXTS)) { return; }
      var x = event.clientX, y = event.clientY;
      load().then(function () {
        var found = wordAt(x, y);
        if (found) { open(found); }
      });
    });

    article.addEventListener("keydown", function (event) {
      var word = event.target.closest && event.target.closest(".word");
      if (!word) { return; }
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        open(word);
      } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        event.preventDefault();
        moveFocus(word, event.key === "ArrowRight" ? 1 : -1);
      }
    });

    toggle.addEventListener("click", function () {
      load().then(function () {
        var first = article.querySelector(".word[tabindex='0']");
        if (first) { first.focus(); }
      });
    });

    popover.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && current) { close(); }
    });
    document.addEventListener("click", function (event) {
      if (current && !popover.contains(event.target) && !event.target.closest(".word")) { close(false); }
    });
    part(".word-popover-close").addEventListener("click", function () { close(); });
    part(".word-popover-save").addEventListener("click", toggleSaved);

    if (savedWords().length) { load(); }  /* to mark the words this reader saved */
  }

  /* --- The words page ---------------------------------------------------------------- */

  function csvField(value) {
    return /[",\n\r]/.test(value) ? "\"" + value.replace(/"/g, "\"\"") + "\"" : value;
  }

  function tsvField(value) { return String(value || "").replace(/[\t\r\n]+/g, " "); }

  function exported(list, format) {
    if (format === "csv") {
      var rows = [["word", "language", "meaning", "sentence", "article", "url"]].concat(list.map(function (item) {
        return [item.word, item.lang, item.gloss, item.sentence, item.title, location.origin + item.url];
      }));
      return "\ufeff" + rows.map(function (row) { return row.map(csvField).join(","); }).join("\r\n") + "\r\n";
    }
    /* Anki's text import: a note a line, fields separated by tabs, no HTML */
    return "#separator:tab\n#html:false\n#columns:Front\tBack\tSentence\tSource\n" + list.map(function (item) {
      return [item.word, item.gloss, item.sentence, item.title].map(tsvField).join("\t");
    }).join("\n") + "\n";
  }

  function setUpWordsPage(box) {
    var exports = document.querySelector(".words-export");

    function cell(row, text, lang) {
      var td = document.createElement("td");
      td.textContent = text;
      if (lang) { td.setAttribute("lang", lang); }
      row.appendChild(td);
      return td;
    }

    function render() {
      var list = savedWords();
      box.textContent = "";
      exports.hidden = !list.length;
      if (!list.length) {
        var empty = document.createElement("p");
        empty.textContent = box.getAttribute("data-empty");
        box.appendChild(empty);
        return;
      }
      var table = document.createElement("table");
      var head = table.createTHead().insertRow();
      ["word", "meaning", "sentence", "article", "remove"].forEach(function (name) {
        var th = document.createElement("th");
        th.scope = "col";
        th.textContent = box.getAttribute("data-" + name);
        head.appendChild(th);
      });
      var body = table.createTBody();
      list.forEach(function (item, index) {
        var row = body.insertRow();
        cell(row, item.word, item.lang);
        cell(row, item.gloss, item.lang === "vi" ? "en" : "vi");
        cell(row, item.sentence, item.lang);
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        cell(row, "").appendChild(link);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = box.getAttribute("data-remove");
        remove.setAttribute("aria-label", box.getAttribute("data-remove") + " " + item.word);
        remove.addEventListener("click", function () {
          var current = savedWords();
          current.splice(index, 1);
          keep(current);
          render();
        });
        cell(row, "").appendChild(remove);
      });
      box.appendChild(table);
    }

    exports.querySelectorAll("a[data-format]").forEach(function (link) {
      link.addEventListener("click", function () {
        var type = link.getAttribute("data-format") === "csv" ? "text/csv" : "text/tab-separated-values";
        var blob = new Blob([exported(savedWords(), link.getAttribute("data-format"))], { type: type + ";charset=utf-8" });
        link.href = URL.createObjectURL(blob);
      });
    });
    render();
  }

  var template = document.getElementById("word-popover-template");
  var article = document.querySelector("article[data-words]");
  if (article && template && window.fetch) { setUpArticle(article, template); }
  var box = document.getElementById("saved-words");
  if (box) { setUpWordsPage(box); }
})();
