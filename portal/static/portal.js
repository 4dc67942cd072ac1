// Progressive enhancement only: every journey works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move the focus to the error summary so screen reader and keyboard users find it first.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    // Two minutes before an idle session ends, say so in a live region and offer to stay
    // signed in; nothing navigates away, so a form being typed is kept (no meta refresh:
    // WCAG 2.2.1 forbids a timed redirect).
    var warn = document.querySelector('meta[name="session-warn-after"]');
    var seconds = warn ? parseInt(warn.getAttribute("content"), 10) : NaN;
    if (!isNaN(seconds)) {
      window.setTimeout(function () {
        var box = document.createElement("div");
        box.className = "session-warning";
        box.setAttribute("role", "alert");
        box.textContent = "Ihre Sitzung endet in zwei Minuten ohne Aktivität. ";
        var link = document.createElement("a");
        link.href = "/sitzung";
        link.textContent = "Angemeldet bleiben";
        box.appendChild(link);
        var main = document.querySelector("main") || document.body;
        main.insertBefore(box, main.firstChild);
      }, Math.max(seconds, 0) * 1000);
    }
  });
})();
