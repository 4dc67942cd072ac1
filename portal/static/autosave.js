// Drafts saved automatically (issue 17, item 3): a form with data-autosave="<url>" is sent there
// (the same draft as "Entwurf speichern") shortly after a field was changed and left, while
// typing at most every 20 seconds, and when the page is hidden; the time of the last save is announced in the form's status line (a live
// region). Progressive enhancement only: without this file "Entwurf speichern" does the same.
(function () {
  "use strict";
  if (window.portalAutosave) { return; }
  window.portalAutosave = true;
  var EVERY_MS = 20000;
  var AFTER_CHANGE_MS = 1500;  // a field left after a change (or a box ticked)

  function setup(form) {
    var url = form.getAttribute("data-autosave");
    var status = form.querySelector("[data-autosave-status]");
    var dirty = false;
    var busy = false;
    var timer = null;

    function say(text) {
      if (status) { status.textContent = text; }
    }

    function save(leaving) {
      timer = null;
      if (busy && dirty) { later(AFTER_CHANGE_MS); return; }  // one save at a time
      if (!dirty || busy) { return; }
      busy = true;
      dirty = false;
      var body = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (name !== "action" && typeof value === "string") { body.append(name, value); }
      });
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "manual",
        keepalive: !!leaving,  // only when the page is hidden: keepalive bodies are capped at 64 kB
        headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
      }).then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      }).then(function (data) {
        say("Entwurf gespeichert um " + data.saved_at + " Uhr.");
        if (window.portalSession) { window.portalSession.renewed(data); }
      }).catch(function () {
        dirty = true;
        say("Entwurf nicht automatisch gespeichert (Sitzung abgelaufen oder keine Verbindung). " +
            "Ihre Eingaben bleiben auf dieser Seite; beim Absenden werden sie nach einer neuen " +
            "Anmeldung aufbewahrt.");
      }).then(function () {
        busy = false;
      });
    }

    function later(ms) {
      dirty = true;
      if (timer && ms >= EVERY_MS) { return; }  // typing: at most every 20 seconds
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { save(false); }, ms);
    }

    form.addEventListener("input", function () { later(EVERY_MS); });
    form.addEventListener("change", function () { later(AFTER_CHANGE_MS); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty) { save(true); }
    });
    form.portalAutosaveNow = function () { dirty = true; save(false); };
  }

  function start() {
    document.querySelectorAll("form[data-autosave]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
