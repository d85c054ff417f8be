// A form sent back with mistakes: the summary of what to correct is brought into view and
// focused (a screen reader reads it), and each field marked invalid says so to assistive
// technology. Without JavaScript the messages stand beside the fields all the same.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".is-invalid").forEach(function (field) {
      field.setAttribute("aria-invalid", "true");
    });
    const summary = document.querySelector("[data-form-errors]");
    if (summary && !window.location.hash) {
      summary.scrollIntoView({ block: "start" });
      summary.focus({ preventScroll: true });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
})();
