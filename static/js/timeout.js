// NF-2 (WCAG 2.2.1): a warning before the idle limit (templates/includes/timeout_dialog.html). The server is the
// authority: before warning, the time left is asked to it (other tabs may have been active), « Rester connecté »
// is a request that extends the session, and at the limit the page goes to where the server ends the session.
(function () {
  "use strict";
  function setup() {
    var dialog = document.getElementById("timeout");
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    var idle = Number(dialog.dataset.idle), warning = Number(dialog.dataset.warning);
    var left = dialog.querySelector(".timeout__left"), spoken = dialog.querySelector(".timeout__spoken");
    var extend = dialog.querySelector(".timeout__extend");
    var timer = null, ticker = null, deadline = 0, since = Date.now(); // since: the last request known here

    function words(seconds) {
      var minutes = Math.floor(seconds / 60), rest = seconds % 60;
      var parts = [];
      if (minutes) { parts.push(minutes + (minutes > 1 ? " minutes" : " minute")); }
      if (rest || !minutes) { parts.push(rest + (rest > 1 ? " secondes" : " seconde")); }
      return parts.join(" et ");
    }
    function expired() {
      window.location.assign(dialog.dataset.expired);
    }
    function tick() {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      left.textContent = words(seconds);
      // Said again to screen readers each minute, and 30 and 10 seconds before the end, not every second.
      if (!spoken.textContent || (seconds % 60 === 0) || seconds === 30 || seconds === 10) {
        spoken.textContent = words(seconds);
      }
      if (seconds === 0) {
        window.clearInterval(ticker);
        check(); // the server says whether the time is up (and ends the session if so)
      }
    }
    function warn(seconds) {
      deadline = Date.now() + seconds * 1000;
      spoken.textContent = "";
      tick();
      if (!dialog.open) {
        dialog.showModal();
      }
      window.clearInterval(ticker);
      ticker = window.setInterval(tick, 1000);
    }
    function schedule(remaining) {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, Math.max(0, remaining - warning) * 1000);
    }
    function check() {
      fetch(dialog.dataset.status, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok && !response.redirected ? response.json() : { remaining: 0 }; })
        .then(function (state) {
          if (state.remaining <= 0) {
            expired();
          } else if (state.remaining > warning + 1) {
            schedule(state.remaining);
          } else {
            warn(state.remaining);
          }
        })
        .catch(function () { warn(Math.max(0, Math.round((since + idle * 1000 - Date.now()) / 1000))); });
    }
    extend.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(extend.action, { method: "POST", body: new FormData(extend), credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok || response.redirected) {
            expired();
            return;
          }
          window.clearInterval(ticker);
          dialog.close();
          since = Date.now();
          schedule(idle);
        })
        .catch(expired);
    });
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault(); // Échap closes the warning as « Rester connecté » does: by extending the session
      extend.requestSubmit();
    });
    schedule(idle);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
