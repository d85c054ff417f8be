// A form sent back with mistakes: the summary of what to correct (or, without one, the first
// field to correct) is brought into view and focused (a screen reader reads it), and each field
// marked invalid says so to assistive technology. Without JavaScript the messages stand beside
// the fields all the same.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".is-invalid").forEach(function (field) {
      field.setAttribute("aria-invalid", "true");
    });
    if (window.location.hash) return; // the page was asked to show a part of its own
    const summary = document.querySelector("[data-form-errors]");
    if (summary) {
      summary.scrollIntoView({ block: "start" });
      summary.focus({ preventScroll: true });
      return;
    }
    // A form without a summary: its first field to correct, with its message beside it.
    const first = document.querySelector('form[method="post" i] .is-invalid');
    if (first) {
      first.scrollIntoView({ block: "center" });
      first.focus({ preventScroll: true });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
})();
