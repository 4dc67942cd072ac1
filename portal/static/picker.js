// Pickers by name (issue 17, item 1): while the person types, the matches appear as checkboxes
// below the search box; ticking one keeps it with the chosen entries. Progressive enhancement
// only: without this file "Suchen" sends the form back to its page, which lists the matches.
(function () {
  "use strict";
  if (window.portalPickers) { return; }
  window.portalPickers = true;

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, ms);
    };
  }

  function chosenValues(box) {
    var out = {};
    box.querySelectorAll("[data-picker-chosen] input[type=checkbox]").forEach(function (input) {
      out[input.value] = true;
    });
    return out;
  }

  function entry(box, choice, index, checked) {
    var id = box.id + "-j" + index + "-" + Math.floor(Math.random() * 1e6);
    var div = document.createElement("div");
    div.className = "checkbox";
    var input = document.createElement("input");
    input.type = "checkbox";
    input.id = id;
    input.name = box.getAttribute("data-picker-name");
    input.value = choice.value;
    input.checked = !!checked;
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = choice.label;
    if (choice.detail) {
      var detail = document.createElement("span");
      detail.className = "picker__detail";
      detail.textContent = " (" + choice.detail + ")";
      label.appendChild(detail);
    }
    div.appendChild(input);
    div.appendChild(label);
    return div;
  }

  function setup(box) {
    var kind = box.getAttribute("data-picker");
    var query = box.querySelector("[data-picker-query]");
    var button = box.querySelector("[data-picker-button]");
    var matches = box.querySelector("[data-picker-matches]");
    var chosen = box.querySelector("[data-picker-chosen]");
    var status = box.querySelector("[data-picker-status]");
    if (!query || !matches || !chosen || !status) { return; }
    var serial = 0;

    // a ticked match joins the chosen entries, so the next search keeps it
    matches.addEventListener("change", function (event) {
      var input = event.target;
      if (!input || input.type !== "checkbox" || !input.checked) { return; }
      var none = chosen.querySelector("[data-picker-none]");
      if (none) { none.remove(); }
      chosen.appendChild(input.parentNode);
      input.focus();
      status.textContent = input.parentNode.textContent.trim() + " ausgewählt.";
    });

    function run() {
      var text = query.value.trim();
      var mine = ++serial;
      if (!text && kind !== "language") {
        matches.textContent = "";
        status.textContent = "";
        return;
      }
      var url = "/auswahl/" + encodeURIComponent(kind) + "?q=" + encodeURIComponent(text);
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin", redirect: "manual"})
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (data) {
          if (mine !== serial) { return; }
          var have = chosenValues(box);
          matches.textContent = "";
          var shown = 0;
          data.choices.forEach(function (choice, i) {
            if (have[choice.value]) { return; }
            matches.appendChild(entry(box, choice, i, false));
            shown += 1;
          });
          if (!data.total) {
            status.textContent = "Keine Treffer für »" + text + "«.";
          } else if (!shown) {
            status.textContent = "Alle Treffer stehen schon oben bei der Auswahl.";
          } else {
            status.textContent = data.total + " Treffer" +
              (data.total > data.choices.length ? ", die ersten " + shown + " gezeigt – bitte genauer suchen" : "") +
              ": zum Auswählen ankreuzen.";
          }
        })
        .catch(function () {
          if (mine !== serial) { return; }
          status.textContent = "Die Suche ist gerade nicht möglich. Mit »Suchen« wird die Seite neu geladen.";
        });
    }

    var later = debounce(run, 250);
    query.addEventListener("input", later);
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // search here instead of sending the whole form
        event.preventDefault();
        run();
      }
    });
    if (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        run();
      });
    }
  }

  function start() {
    document.querySelectorAll("[data-picker]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
