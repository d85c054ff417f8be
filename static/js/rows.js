// The row editor (ssp_portal/rows): "Add a row", rows marked for removal, and the totals while typing.
// The server computes the same totals on every showing of the page; this only keeps them current.
(function () {
  "use strict";

  const NBSP = "\u00a0";
  const english = (document.documentElement.lang || "en").toLowerCase().startsWith("en");

  // A number as people type it: "150 000", "150000,50", "1,250.5". NaN when it is not one.
  function read(text) {
    let value = String(text || "").replace(/[\s\u00a0\u202f\u2009']/g, "");
    value = value.replace(/(\d)(сом|soms?|kgs|с\.?|\u20c0)$/i, "$1"); // the currency written after it
    if (value === "") return NaN;
    const comma = value.indexOf(",");
    if (comma >= 0 && value.indexOf(".") < 0 && value.split(",").length === 2 && value.length - comma - 1 !== 3) {
      value = value.replace(",", ".");
    }
    value = value.replace(/,/g, "");
    return /^-?\d*\.?\d+$/.test(value) ? Number(value) : NaN;
  }

  function group(digits, separator) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  }

  // The same forms as the server's `soms` and `quantity` filters.
  function format(value, money) {
    const negative = value < 0;
    const fixed = Math.abs(value).toFixed(2);
    let [whole, cents] = fixed.split(".");
    let text;
    if (money) {
      cents = cents === "00" ? "" : cents;
    } else {
      cents = cents.replace(/0+$/, "");
    }
    if (english) {
      text = group(whole, ",") + (cents ? "." + cents : "");
      text = money ? "KGS" + NBSP + text : text;
    } else {
      text = group(whole, NBSP) + (cents ? "," + cents : "");
      text = money ? text + NBSP + "сом" : text;
    }
    return (negative ? "-" : "") + text;
  }

  function setUp(form) {
    const table = form.querySelector("table[data-rows]");
    if (!table) return;
    const prefix = table.dataset.rows;
    const total = form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    const body = table.querySelector("[data-rows-body]");
    const template = form.querySelector("template[data-rows-empty]");
    const add = form.querySelector("[data-rows-add]");
    const product = (table.dataset.product || "").split(" ").filter(Boolean);
    const sums = (table.dataset.sums || "").split(" ").filter(Boolean);
    const money = (table.dataset.money || "").split(" ").filter(Boolean);

    function field(row, name) {
      return row.querySelector("[data-row-field='" + name + "']");
    }

    // What a field holds: an input's value, or the value of a field shown as text (locked rows).
    function valueOf(element) {
      if (!element) return "";
      return element.value !== undefined ? element.value : element.dataset.value || "";
    }

    function counted(row) {
      const remove = row.querySelector("[data-row-remove]");
      if (remove && remove.checked) return false;
      // A blank extra row does not count; a stored row (with an id) always does.
      const id = row.querySelector("input[type=hidden][name$='-id']");
      if (id && id.value) return true;
      return Array.from(row.querySelectorAll("input[data-row-field], select[data-row-field]")).some(function (input) {
        return input.tagName === "SELECT" ? input.selectedIndex > 0 && input.value !== "" : input.value.trim() !== "";
      });
    }

    function recalculate() {
      const totals = {};
      body.querySelectorAll("tr[data-row]").forEach(function (row) {
        const remove = row.querySelector("[data-row-remove]");
        row.classList.toggle("row-removed", Boolean(remove && remove.checked));
        let line = NaN;
        if (product.length) {
          line = product.reduce(function (acc, name) {
            return acc * read(valueOf(field(row, name)));
          }, 1);
          line = Math.round(line * 100 + Number.EPSILON) / 100;
          const out = row.querySelector("[data-row-total]");
          if (out) out.textContent = isNaN(line) ? "" : format(line, true);
        }
        if (!counted(row)) return;
        sums.forEach(function (name) {
          const value = read(valueOf(field(row, name)));
          totals[name] = (totals[name] || 0) + (isNaN(value) ? 0 : value);
        });
        if (product.length) totals.total = (totals.total || 0) + (isNaN(line) ? 0 : line);
      });
      table.querySelectorAll("output[data-sum]").forEach(function (out) {
        const name = out.dataset.sum;
        const value = Math.round((totals[name] || 0) * 100) / 100;
        out.textContent = format(value, name === "total" || money.indexOf(name) >= 0);
        // A field of the page may say what the sum must be (the requested amount of a budget).
        const source = form.querySelector("[data-target-for='" + name + "']");
        if (source) {
          const wanted = read(source.value);
          if (isNaN(wanted)) delete out.dataset.target;
          else out.dataset.target = String(wanted);
          const note = out.parentElement.querySelector("[data-target-note]");
          if (note) {
            note.hidden = isNaN(wanted);
            if (!isNaN(wanted)) note.textContent = note.dataset.phrase.replace("{target}", format(wanted, true));
          }
        }
        out.classList.remove("text-danger", "text-success");
        if (out.dataset.target !== undefined) {
          const target = Number(out.dataset.target);
          out.classList.toggle("text-danger", Math.abs(value - target) > 0.001);
          out.classList.toggle("text-success", Math.abs(value - target) <= 0.001);
        }
      });
    }

    if (add && template && total) {
      add.hidden = false;
      add.addEventListener("click", function () {
        const index = parseInt(total.value, 10);
        body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
        total.value = String(index + 1);
        const first = body.lastElementChild && body.lastElementChild.querySelector("input:not([type=hidden]), select");
        if (first) first.focus();
        recalculate();
      });
    }
    form.addEventListener("input", recalculate);
    form.addEventListener("change", recalculate);
    form.addEventListener("rows:recalculate", recalculate);
    recalculate();
  }

  document.querySelectorAll("form[data-row-editor]").forEach(setUp);
})();
