// One submission per click: a form with data-submit-once disables its submit button once it is
// sent (the server guards against a second submission too).
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
    });
  });
})();
