/* Reading aids on an article page: sentences marked across the languages, the translation
   hidden paragraph by paragraph, listening with the browser's own voices, and keys.
   Progressive: without this script the page reads as it is. Choices are kept in
   localStorage, for every article, as the reading mode is. */
(function () {
  "use strict";

  var blocksElement = document.querySelector(".blocks[data-sentences]");
  var controlsTemplate = document.getElementById("reading-aids");
  if (!blocksElement || !controlsTemplate) { return; }

  var article = blocksElement.closest(".article");
  var paired = article.classList.contains("mode-parallel") || article.classList.contains("mode-interleaved");
  var stored = {
    get: function (key) { try { return localStorage.getItem("newsreader:" + key); } catch (e) { return null; } },
    set: function (key, value) { try { localStorage.setItem("newsreader:" + key, value); } catch (e) { /* private mode */ } }
  };
  var blocks = Array.prototype.slice.call(blocksElement.children);
  var alignment = JSON.parse(blocksElement.dataset.sentences || "[]");

  controlsTemplate.parentNode.insertBefore(controlsTemplate.content.cloneNode(true), controlsTemplate);
  var controls = article.querySelector(".reading-aids");
  function control(name) { return controls.querySelector("[data-aid=" + name + "]"); }

  /* --- Sentences: wrapped in spans, each marking its counterpart ------------------------ */

  function paragraphIn(block, language) {
    if (block.matches("p[lang=" + language + "]")) { return block; }
    return block.querySelector("p[lang=" + language + "]:not(.missing)");
  }

  function wrapSentences(paragraph, spans, links) {
    var walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    var offset = 0;
    nodes.forEach(function (node) {
      var start = offset, end = offset + node.data.length, cursor = start;
      var pieces = document.createDocumentFragment();
      offset = end;
      spans.forEach(function (span, index) {
        var from = Math.max(span[0], start), to = Math.min(span[1], end);
        if (from >= to) { return; }
        if (from > cursor) { pieces.appendChild(document.createTextNode(node.data.slice(cursor - start, from - start))); }
        var wrapped = document.createElement("span");
        wrapped.className = "sentence";
        wrapped.dataset.s = index;
        if (links[index] !== undefined) { wrapped.dataset.link = links[index]; }
        wrapped.textContent = node.data.slice(from - start, to - start);
        pieces.appendChild(wrapped);
        cursor = to;
      });
      if (cursor === start) { return; }
      if (cursor < end) { pieces.appendChild(document.createTextNode(node.data.slice(cursor - start))); }
      node.parentNode.replaceChild(pieces, node);
    });
  }

  /* Which link each sentence of one side belongs to: a link pairs one or two sentences
     of each side, [vi first, vi count, en first, en count]. */
  function linksOf(sentences, side) {
    var links = {};
    (sentences[2] || []).forEach(function (link, number) {
      for (var i = link[2 * side]; i < link[2 * side] + link[2 * side + 1]; i += 1) { links[i] = number; }
    });
    return links;
  }

  blocks.forEach(function (block, number) {
    var sentences = alignment[number];
    if (!sentences) { return; }
    block.dataset.block = number;
    ["vi", "en"].forEach(function (language, side) {
      var paragraph = paragraphIn(block, language);
      if (paragraph && sentences[side].length) { wrapSentences(paragraph, sentences[side], linksOf(sentences, side)); }
    });
  });

  function sentencesOf(paragraph, first, count) {
    var found = [];
    for (var i = first; i < first + count; i += 1) {
      found = found.concat(Array.prototype.slice.call(paragraph.querySelectorAll(".sentence[data-s='" + i + "']")));
    }
    return found;
  }

  function clearMarks(name) {
    article.querySelectorAll("." + name).forEach(function (element) { element.classList.remove(name); });
  }

  /* A sentence and its counterpart share their link (data-link, which words.js reads too). */
  function markCounterpart(event) {
    var sentence = event.target.closest && event.target.closest(".sentence[data-link]");
    clearMarks("counterpart");
    if (!sentence || !paired) { return; }
    sentence.closest("[data-block]").querySelectorAll(".sentence[data-link='" + sentence.dataset.link + "']")
      .forEach(function (element) { element.classList.add("counterpart"); });
  }

  blocksElement.addEventListener("mouseover", markCounterpart);
  blocksElement.addEventListener("focusin", markCounterpart);
  blocksElement.addEventListener("mouseleave", function () { clearMarks("counterpart"); });

  /* --- Hiding the translation ------------------------------------------------------------ */

  var hideButton = control("hide"), showAllButton = control("show-all");
  var translations = paired ? Array.prototype.slice.call(blocksElement.querySelectorAll(".pair p.en:not(.missing)")) : [];

  function reveal(paragraph) {
    var button = paragraph.previousElementSibling;
    if (button && button.classList.contains("reveal")) { button.remove(); }
    paragraph.hidden = false;
  }

  function setHidden(hidden) {
    hideButton.setAttribute("aria-pressed", String(hidden));
    showAllButton.hidden = !hidden;
    translations.forEach(function (paragraph, number) {
      if (!hidden) { reveal(paragraph); return; }
      if (paragraph.hidden) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "reveal";
      button.textContent = controlsTemplate.dataset.reveal;
      paragraph.id = paragraph.id || "translation-" + number;
      button.setAttribute("aria-controls", paragraph.id);
      button.addEventListener("click", function () {
        reveal(paragraph);
        paragraph.tabIndex = -1;
        paragraph.focus();
      });
      paragraph.parentNode.insertBefore(button, paragraph);
      paragraph.hidden = true;
    });
  }

  function toggleTranslation() {
    if (!translations.length) { return; }
    var hidden = hideButton.getAttribute("aria-pressed") !== "true";
    stored.set("hide-translation", hidden ? "1" : "0");
    setHidden(hidden);
  }

  if (translations.length) {
    controls.querySelector(".aid-translation").hidden = false;
    hideButton.addEventListener("click", toggleTranslation);
    showAllButton.addEventListener("click", function () {
      translations.forEach(reveal);
      hideButton.focus();
    });
    if (stored.get("hide-translation") === "1") { setHidden(true); }
  }

  /* --- Listening, with the browser's own voices ----------------------------------------- */

  var speech = window.speechSynthesis;
  var voiceSelect = control("voice"), rateSelect = control("rate");
  var listenButton = control("listen"), stopButton = control("stop");
  var run = 0;

  function voiceFor(language) {
    var voices = speech ? speech.getVoices() : [];
    return voices.filter(function (voice) { return voice.lang.toLowerCase().indexOf(language) === 0; })[0] || null;
  }

  function languagesHere() {
    return ["vi", "en"].filter(function (language) {
      return voiceFor(language) && blocks.some(function (block) { return paragraphIn(block, language); });
    });
  }

  function queueFor(chosen, language) {
    var queue = [];
    chosen.forEach(function (block) {
      var paragraph = paragraphIn(block, language);
      if (!paragraph) { return; }
      var seen = {};
      paragraph.querySelectorAll(".sentence").forEach(function (sentence) {
        if (seen[sentence.dataset.s]) { return; }
        seen[sentence.dataset.s] = true;
        var parts = sentencesOf(paragraph, Number(sentence.dataset.s), 1);
        queue.push({ parts: parts, text: parts.map(function (part) { return part.textContent; }).join("") });
      });
      if (!paragraph.querySelector(".sentence")) { queue.push({ parts: [paragraph], text: paragraph.textContent }); }
    });
    return queue;
  }

  function stop() {
    run += 1;
    if (speech) { speech.cancel(); }
    clearMarks("speaking");
    stopButton.hidden = true;
    listenButton.hidden = false;
  }

  function listen(chosen) {
    stop();
    var language = voiceSelect.value, voice = voiceFor(language), mine = run;
    var queue = queueFor(chosen, language), next = 0;
    if (!voice || !queue.length) { return; }
    listenButton.hidden = true;
    stopButton.hidden = false;
    function speakNext() {
      if (mine !== run) { return; }
      clearMarks("speaking");
      if (next >= queue.length) { stop(); listenButton.focus(); return; }
      var item = queue[next];
      next += 1;
      var utterance = new SpeechSynthesisUtterance(item.text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = Number(rateSelect.value);
      utterance.onend = speakNext;
      utterance.onerror = function () { if (mine === run) { stop(); } };
      item.parts.forEach(function (part) { part.classList.add("speaking"); });
      speech.speak(utterance);
    }
    speakNext();
  }

  function offerListening() {
    var languages = languagesHere();
    var group = controls.querySelector(".aid-listen");
    if (!languages.length) { group.hidden = true; return; }
    voiceSelect.querySelectorAll("option").forEach(function (option) {
      option.hidden = option.disabled = languages.indexOf(option.value) < 0;
    });
    if (languages.indexOf(voiceSelect.value) < 0) { voiceSelect.value = languages[0]; }
    var remembered = stored.get("voice");
    if (languages.indexOf(remembered) >= 0) { voiceSelect.value = remembered; }
    rateSelect.value = stored.get("rate") || rateSelect.value;
    if (!rateSelect.value) { rateSelect.value = "1"; }
    group.hidden = false;
    blocks.forEach(function (block) {
      if (block.querySelector(".listen-paragraph")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "listen-paragraph";
      button.lang = document.documentElement.lang;  // its label, inside a paragraph of either
      button.setAttribute("aria-label", controlsTemplate.dataset.listenParagraph);
      button.addEventListener("click", function () { listen([block]); });
      var first = block.matches("p") ? block : block.querySelector("p");
      first.insertBefore(button, first.firstChild);
    });
  }

  if (speech && window.SpeechSynthesisUtterance) {
    listenButton.addEventListener("click", function () { listen(blocks); });
    stopButton.addEventListener("click", function () { stop(); listenButton.focus(); });
    voiceSelect.addEventListener("change", function () { stored.set("voice", voiceSelect.value); });
    rateSelect.addEventListener("change", function () { stored.set("rate", rateSelect.value); });
    offerListening();
    if (speech.addEventListener) { speech.addEventListener("voiceschanged", offerListening); }
    window.addEventListener("pagehide", stop);
  }

  /* --- Keys ------------------------------------------------------------------------------ */

  var keysTemplate = document.getElementById("reading-keys");
  var dialog = keysTemplate.content.firstElementChild.cloneNode(true);
  var keysOn = dialog.querySelector("[data-aid=keys-on]");
  var current = -1;
  document.body.appendChild(dialog);
  keysOn.checked = stored.get("keys") !== "off";
  keysOn.addEventListener("change", function () { stored.set("keys", keysOn.checked ? "on" : "off"); });
  dialog.querySelector("[data-aid=close]").addEventListener("click", function () { dialog.close(); });
  control("keys").addEventListener("click", function () { dialog.showModal(); });

  function moveTo(index) {
    current = Math.max(0, Math.min(blocks.length - 1, index));
    var block = blocks[current];
    clearMarks("current-block");
    block.classList.add("current-block");
    block.tabIndex = -1;
    block.focus();
  }

  function nextMode() {
    var modes = Array.prototype.slice.call(document.querySelectorAll(".reading-modes a[data-mode]"));
    var at = modes.findIndex(function (link) { return link.getAttribute("aria-current") === "true"; });
    if (modes.length) { window.location.href = modes[(at + 1) % modes.length].href; }
  }

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target) || dialog.open || !keysOn.checked) { return; }
    var search = document.querySelector("input[name=q]");
    var actions = {
      j: function () { moveTo(current + 1); },
      k: function () { moveTo(current - 1); },
      t: toggleTranslation,
      m: nextMode,
      "/": function () { if (search) { search.focus(); } },
      "?": function () { dialog.showModal(); }
    };
    if (!actions[event.key]) { return; }
    event.preventDefault();
    actions[event.key]();
  });
})();
