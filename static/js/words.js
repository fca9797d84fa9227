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

  function tokensOf(text, lang) {
    return text.toLowerCase().match(lang === "vi" ? SYLLABLE : LETTERS) || [];
  }

  function keyOf(text, lang) { return tokensOf(text, lang).join(" "); }

  /* English words and glosses compared alike, a plural as its singular: alliances, alliance. */
  function englishStem(word) {
    if (word.length > 4 && /ies$/.test(word)) { return word.slice(0, -3) + "y"; }
    if (/(ss|x|z|ch|sh)es$/.test(word)) { return word.slice(0, -2); }
    if (word.length > 3 && /[^su]s$/.test(word)) { return word.slice(0, -1); }
    return word;
  }

  /* A meaning's glosses (and a name's other name) as phrases to find in the other
     language: "defense, defence; national defense" is three; "(to) sign" is "sign". */
  function glossPhrases(meaning, lang) {
    return [meaning.g, meaning.t].join(";").split(/[;,]/).map(function (gloss) {
      var tokens = tokensOf(gloss.replace(/\([^)]*\)/g, " "), lang);
      if (lang === "en") {
        if (tokens.length > 1 && /^(to|a|an|the)$/.test(tokens[0])) { tokens.shift(); }
        tokens = tokens.map(englishStem);
      }
      return tokens;
    }).filter(function (tokens) { return tokens.length; }).sort(function (a, b) { return b.length - a.length; });
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

    /* --- The tapped word's meaning, marked in the other language --------------------- */

    var marked = [];

    /* The words of the text beside the tapped word's in the other language: its
       sentence's counterpart, where the alignment (reading-aids.js) paired it, or else the
       whole paragraph, title or caption. None in a single-language mode. */
    function counterpartWords(word) {
      var other = langOf(word) === "vi" ? "en" : "vi";
      var scope = word.closest(".blocks > *, .article-header, figcaption");
      var text = scope && Array.prototype.filter.call(scope.querySelectorAll(TEXTS), function (el) {
        return el.getAttribute("lang") === other;
      })[0];
      if (!text) { return []; }
      var sentence = word.closest(".sentence[data-link]");
      var paired = sentence && text.querySelectorAll(".sentence[data-link='" + sentence.dataset.link + "'] .word");
      return Array.prototype.slice.call(paired && paired.length ? paired : text.querySelectorAll(".word"));
    }

    function wordTokens(word, lang) {
      var tokens = tokensOf(word.textContent, lang);
      if (lang !== "en") { return tokens; }
      var lemma = ((data.en || {})[tokens.join(" ")] || {}).l;
      return (lemma ? tokensOf(lemma, lang) : tokens).map(englishStem);
    }

    /* The run of whole words, from the first, that spells the phrase; none if none does. */
    function spelled(words, tokens, phrase) {
      var seen = [];
      for (var i = 0; i < words.length && seen.length < phrase.length; i++) {
        seen = seen.concat(tokens[i]);
        if (seen.length === phrase.length && seen.join(" ") === phrase.join(" ")) { return words.slice(0, i + 1); }
      }
      return [];
    }

    function markMeaning(word, meaning) {
      var words = counterpartWords(word);
      if (!words.length) { return; }
      var lang = langOf(words[0]);
      var phrases = glossPhrases(meaning, lang);
      var tokens = words.map(function (each) { return wordTokens(each, lang); });
      for (var at = 0; at < words.length; at++) {
        for (var p = 0; p < phrases.length; p++) {
          var found = spelled(words.slice(at), tokens.slice(at), phrases[p]);
          if (!found.length) { continue; }
          marked = marked.concat(found);
          at += found.length - 1;
          break;
        }
      }
      marked.forEach(function (each) { each.classList.add("gloss-match"); });
    }

    function unmarkMeaning() {
      marked.forEach(function (each) { each.classList.remove("gloss-match"); });
      marked = [];
    }

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
      if (known) { markMeaning(word, meaning); }
      popover.hidden = false;
      place(word);
      part(".word-popover-close").focus();
    }

    function hidesMarks(left, top, width, height) {
      return marked.some(function (each) {
        var box = each.getBoundingClientRect();
        return box.right > left && box.left < left + width && box.bottom > top && box.top < top + height;
      });
    }

    /* Below the word, or above it when that keeps the marked words in sight. */
    function place(word) {
      var box = word.getBoundingClientRect();
      var width = popover.offsetWidth, height = popover.offsetHeight;
      var left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
      var top = box.bottom + 6, above = box.top - height - 6;
      if (above >= 0 && hidesMarks(left, top, width, height) && !hidesMarks(left, above, width, height)) { top = above; }
      popover.style.left = (left + window.scrollX) + "px";
      popover.style.top = (top + window.scrollY) + "px";
    }

    function close(refocus) {
      if (!current) { return; }
      popover.hidden = true;
      unmarkMeaning();
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
