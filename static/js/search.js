// CONS-2: when the CMAF box is ticked the postal code is inactive, and vice versa. The server enforces the
// same rule; this only greys out the other field.
(function () {
  "use strict";
  function setup() {
    var postal = document.getElementById("id_postal_code");
    var cmaf = document.getElementById("id_cmaf");
    if (!postal || !cmaf) {
      return;
    }
    function sync() {
      postal.disabled = cmaf.checked;
      cmaf.disabled = postal.value.trim() !== "";
    }
    postal.addEventListener("input", sync);
    cmaf.addEventListener("change", sync);
    sync();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
