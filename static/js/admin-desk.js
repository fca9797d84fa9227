// The translation desk on the article form: insert a suggestion with a click, fill in the
// exact repeats, ask the machine for suggestions (without ever holding up the form), and
// dismiss a flag without leaving the page. Without JavaScript, the suggestions are there
// to copy, the machine's on a page of their own, and a dismissal reloads the page.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var desk = document.getElementById("desk");
  if (!desk) return;
  var status = desk.querySelector(".desk-status");

  function say(text) { status.textContent = text; }

  function englishBox(pair) {
    var field = pair.getAttribute("data-field");
    if (field) return document.querySelector('textarea[name="' + field + '"]');
    var row = pair.closest("tr");
    return row && row.querySelector('textarea[lang="en"]');
  }

  function use(button) {
    var pair = button.closest(".pair-desk");
    var box = englishBox(pair);
    var text = button.parentNode.querySelector(".desk-english").textContent;
    if (!box) return;
    box.value = text;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("desk-use")) {
      use(button);
    } else if (button.classList.contains("desk-dismiss")) {
      event.preventDefault();
      dismiss(button);
    }
  });

  document.querySelectorAll(".desk-use").forEach(function (button) { button.hidden = false; });

  var exact = document.querySelectorAll(".desk-exact");
  var fill = desk.querySelector(".desk-fill-repeats");
  if (exact.length) {
    fill.hidden = false;
    fill.addEventListener("click", function () {
      var filled = 0;
      exact.forEach(function (item) {
        var box = englishBox(item.closest(".pair-desk"));
        if (box && !box.value.trim()) {
          box.value = item.querySelector(".desk-english").textContent;
          filled += 1;
        }
      });
      say(desk.getAttribute("data-filled").replace("%s", filled));
    });
  }

  function dismiss(button) {
    var form = document.getElementById("desk-dismiss");
    var data = new FormData(form);
    data.append("flag", button.value);
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      button.closest(".desk-flag").remove();
    }).catch(function () { say(desk.getAttribute("data-dismiss-failed")); });
  }

  var machine = desk.getAttribute("data-machine");
  var slots = document.querySelectorAll(".desk-machine");
  if (!machine || !slots.length) return;
  var seconds = Number(desk.getAttribute("data-timeout")) || 10;
  var controller = new AbortController();
  var timer = setTimeout(function () { controller.abort(); }, (seconds + 2) * 1000);
  say(desk.getAttribute("data-asking"));
  fetch(machine, { credentials: "same-origin", signal: controller.signal })
    .then(function (response) { return response.json(); })
    .then(function (answer) {
      clearTimeout(timer);
      if (answer.error) { say(answer.error); return; }
      var count = 0;
      slots.forEach(function (slot) {
        var number = slot.closest(".pair-desk").getAttribute("data-block");
        var english = answer.blocks[number];
        if (!english) return;
        var template = document.getElementById("desk-machine-item");
        var item = template.content.firstElementChild.cloneNode(true);
        item.querySelector(".desk-english").textContent = english;
        item.querySelector(".desk-use").hidden = false;
        slot.appendChild(item);
        slot.hidden = false;
        count += 1;
      });
      say(desk.getAttribute("data-machine-done").replace("%s", count));
    })
    .catch(function () {
      say(desk.getAttribute("data-machine-late").replace("%s", seconds));
    });
});
