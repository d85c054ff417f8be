// "Add a row" for Django formsets: clones the empty form and updates the management form.
(function () {
  "use strict";
  document.querySelectorAll("form[data-formset]").forEach(function (form) {
    const prefix = form.dataset.formset;
    const total = form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    const body = form.querySelector("[data-formset-body]");
    const template = form.querySelector("template[data-formset-empty]");
    const add = form.querySelector("[data-formset-add]");
    if (!total || !body || !template || !add) return;
    add.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const first = body.lastElementChild && body.lastElementChild.querySelector("input, select");
      if (first) first.focus();
    });
  });
})();
