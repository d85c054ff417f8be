// A warning before leaving a page whose form has changes that are not saved.
//
// Use: <form data-unsaved-warning="{% translate '…' %}"> on any form (several per page are fine).
// - The form becomes "changed" when one of its fields is typed in, chosen or ticked (fields placed
//   elsewhere on the page with form="<the form's id>" count too).
// - While a form is changed, leaving the page (a link, another form's button such as an upload,
//   reload, closing the tab) makes the browser ask first. Submitting the changed form itself does
//   not: that is how its changes are saved.
// - data-unsaved-dirty on the form makes it changed from the start: use it when the page shows
//   again what was typed but not saved (a form sent back with errors).
// - An element inside the form with data-unsaved-notice (and the hidden attribute) is shown while
//   the form is changed: say there "You have changes that are not saved yet."
// Browsers show their own words in the leave-page question; the attribute's message is given to
// those that still show it. Without JavaScript nothing happens and the form works as before.
(function () {
  "use strict";
  const forms = Array.from(document.querySelectorAll("form[data-unsaved-warning]"));
  if (!forms.length) return;
  const changed = new Set();
  let leavingBy = null; // the form being submitted, if any

  function mark(form) {
    if (changed.has(form)) return;
    changed.add(form);
    form.querySelectorAll("[data-unsaved-notice]").forEach(function (notice) {
      notice.hidden = false;
    });
  }

  forms.forEach(function (form) {
    if (form.hasAttribute("data-unsaved-dirty")) mark(form);
  });
  // On the window, after the form's own handlers: a submission they stopped is no leaving.
  window.addEventListener("submit", function (event) {
    leavingBy = event.defaultPrevented ? null : event.target;
  });

  function onEdit(event) {
    const field = event.target;
    // field.form is the owning form, also for fields outside it that name it with form="…".
    const form = field && field.form;
    if (form && form.hasAttribute("data-unsaved-warning")) mark(form);
  }
  document.addEventListener("input", onEdit, true);
  document.addEventListener("change", onEdit, true);

  // A page restored from the back-forward cache starts again from what it shows.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) leavingBy = null;
  });

  window.addEventListener("beforeunload", function (event) {
    const pending = forms.filter(function (form) {
      return changed.has(form) && form !== leavingBy;
    });
    leavingBy = null;
    if (!pending.length) return undefined;
    const message = pending[0].dataset.unsavedWarning;
    event.preventDefault();
    event.returnValue = message;
    return message;
  });
})();
