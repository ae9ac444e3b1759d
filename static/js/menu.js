// NF-2 (WCAG 1.4.10): on a narrow screen, the menu of a dossier's pages folds behind a button so that the
// dossier comes first. Without JavaScript, or on a wide screen, the menu is simply shown.
(function () {
  "use strict";
  function setup() {
    var nav = document.querySelector(".menu[data-collapse]");
    var panel = document.getElementById("menu-panel");
    if (!nav || !panel || !window.matchMedia) {
      return;
    }
    var narrow = window.matchMedia("(max-width: 48rem)");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button menu__toggle";
    button.setAttribute("aria-controls", "menu-panel");
    button.setAttribute("aria-expanded", "false");
    button.textContent = "Menu et recherche d'un dossier";
    nav.insertBefore(button, panel);
    function apply() {
      var open = button.getAttribute("aria-expanded") === "true";
      button.hidden = !narrow.matches;
      panel.hidden = narrow.matches && !open;
    }
    button.addEventListener("click", function () {
      button.setAttribute("aria-expanded", String(button.getAttribute("aria-expanded") !== "true"));
      apply();
    });
    if (narrow.addEventListener) {
      narrow.addEventListener("change", apply);
    }
    apply();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
