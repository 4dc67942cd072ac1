// Progressive enhancement only: every journey works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move the focus to the error summary so screen reader and keyboard users find it first.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
