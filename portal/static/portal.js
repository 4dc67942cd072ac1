// Progressive enhancement only: every journey works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move the focus to the error summary so screen reader and keyboard users find it first.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    // After a search, focus and view move to the result count (the heading says how many fit),
    // so keyboard and screen reader users start at the results, not at the top of the form.
    var count = summary ? null : document.querySelector("[data-focus-after-search]");
    if (count) {
      count.focus();
      count.scrollIntoView({ block: "start" });
    }
    // Five minutes before an idle session ends, say so in a live region with a button to stay
    // signed in (renews the session without leaving the page); when it has ended, say that the
    // typed form is kept over the next login. Nothing navigates away (no meta refresh: WCAG
    // 2.2.1 forbids a timed redirect). Autosave renews the session too (portalSession.renewed).
    var warn = document.querySelector('meta[name="session-warn-after"]');
    var left = document.querySelector('meta[name="session-remaining"]');
    var timers = [];
    function sessionBox() {
      var box = document.getElementById("session-warning");
      if (!box) {
        box = document.createElement("div");
        box.id = "session-warning";
        box.className = "session-warning";
        box.setAttribute("role", "alert");
        var main = document.querySelector("main") || document.body;
        main.insertBefore(box, main.firstChild);
      }
      box.textContent = "";
      return box;
    }
    function ended() {
      sessionBox().textContent = "Ihre Sitzung ist abgelaufen. Ihre Eingaben auf dieser Seite " +
        "gehen nicht verloren: Wenn Sie das Formular absenden, melden Sie sich erneut an und " +
        "können die Eingaben danach senden.";
    }
    function stay(event) {
      var button = event.target;
      button.disabled = true;
      fetch("/sitzung/verlaengern", {
        headers: {"Accept": "application/json", "X-Requested-With": "fetch"},
        credentials: "same-origin",
        redirect: "manual"
      }).then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      }).then(function (data) {
        renewed(data);
        var box = sessionBox();
        box.setAttribute("role", "status");
        box.textContent = "Sie bleiben angemeldet" +
          (data.ends ? " (ohne Aktivität bis " + data.ends + " Uhr)." : ".");
      }).catch(ended);
    }
    function warning() {
      var box = sessionBox();
      box.setAttribute("role", "alert");
      box.appendChild(document.createTextNode(
        "Ihre Sitzung endet in fünf Minuten, wenn Sie nichts tun. "));
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small";
      button.textContent = "Angemeldet bleiben";
      button.addEventListener("click", stay);
      box.appendChild(button);
    }
    function schedule(warnAfter, remaining) {
      timers.forEach(window.clearTimeout);
      timers = [];
      if (!isNaN(warnAfter)) {
        timers.push(window.setTimeout(warning, Math.max(warnAfter, 0) * 1000));
      }
      if (!isNaN(remaining)) {
        timers.push(window.setTimeout(ended, Math.max(remaining, 0) * 1000));
      }
    }
    function renewed(data) {
      schedule(parseInt(data.warn_after, 10), parseInt(data.remaining, 10));
      var line = document.querySelector(".user-box__session [data-session-ends]");
      if (line && data.ends) { line.textContent = data.ends; }
    }
    window.portalSession = {renewed: renewed};
    if (warn) {
      schedule(parseInt(warn.getAttribute("content"), 10),
               left ? parseInt(left.getAttribute("content"), 10) : NaN);
    }
    // Pickers by name and autosaved drafts load their script only where a page has them.
    function load(src) {
      var script = document.createElement("script");
      script.src = src;
      document.head.appendChild(script);
    }
    if (document.querySelector("[data-picker]")) { load("/static/picker.js"); }
    if (document.querySelector("form[data-autosave]")) { load("/static/autosave.js"); }
  });
})();
