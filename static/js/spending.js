// A report's spending table: the cumulative per line and the totals follow the amounts as they are
// typed. The server computes the same figures for the page it sends; this only keeps them current.
// Markup: [data-spending] holds one [data-before][data-approved] element per line, each with an
// input[data-amount], a [data-cumulative] and a [data-over]; and [data-total-period] and
// [data-total-cumulative] for the sums.
(function () {
  "use strict";
  const english = (document.documentElement.lang || "").toLowerCase().startsWith("en");
  const NBSP = "\u00a0";

  // As the soms filter writes money (ssp_portal/templatetags/portal.py).
  function soms(value) {
    const tyiyn = Math.round(Math.abs(value) * 100);
    const whole = String(Math.floor(tyiyn / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, english ? "," : NBSP);
    const cents = String(tyiyn % 100).padStart(2, "0");
    const sign = value < 0 ? "-" : "";
    if (english) return sign + "KGS" + NBSP + whole + (cents !== "00" ? "." + cents : "");
    return sign + whole + (cents !== "00" ? "," + cents : "") + NBSP + "сом";
  }

  // An amount as typed, read as the server reads it (spaces between thousands dropped, a decimal
  // comma before one or two digits); null when it does not read as one (the server will say why).
  function amount(input) {
    const text = input.value
      .replace(/[\s\u00a0\u202f]+/g, "")
      .replace(/(\d)(сом|soms?|kgs|с\.?|\u20c0)$/i, "$1")
      .replace(/^(\d+),(\d{1,2})$/, "$1.$2");
    if (text === "") return 0;
    if (!/^\d+(\.\d{1,2})?$/.test(text)) return null;
    return Number(text);
  }

  document.querySelectorAll("[data-spending]").forEach(function (table) {
    const rows = Array.from(table.querySelectorAll("[data-before][data-approved]"));
    const totalPeriod = table.querySelector("[data-total-period]");
    const totalCumulative = table.querySelector("[data-total-cumulative]");

    function update() {
      let period = 0;
      let cumulative = 0;
      let readable = true;
      rows.forEach(function (row) {
        const before = Number(row.dataset.before);
        const approved = Number(row.dataset.approved);
        const typed = amount(row.querySelector("input[data-amount]"));
        if (typed === null) {
          readable = false;
          return;
        }
        const total = before + typed;
        period += typed;
        cumulative += total;
        row.querySelector("[data-cumulative]").textContent = soms(total);
        const over = Math.round(total * 100) > Math.round(approved * 100);
        row.classList.toggle("bg-danger-subtle", over);
        row.querySelector("[data-over]").hidden = !over;
      });
      if (!readable) return;
      if (totalPeriod) totalPeriod.textContent = soms(period);
      if (totalCumulative) totalCumulative.textContent = soms(cumulative);
    }

    table.addEventListener("input", update);
  });
})();
