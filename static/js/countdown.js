// Counts down to a competition's deadline: elements with data-deadline (ISO 8601 with offset).
(function () {
  "use strict";
  function render(element) {
    const left = new Date(element.dataset.deadline).getTime() - Date.now();
    if (Number.isNaN(left)) return;
    if (left <= 0) {
      element.textContent = element.dataset.labelClosed;
      element.classList.remove("text-success");
      element.classList.add("text-danger");
      return;
    }
    const minutes = Math.floor(left / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const parts = [];
    if (days) parts.push(days + " " + element.dataset.labelDays);
    parts.push(hours + " " + element.dataset.labelHours);
    parts.push((minutes % 60) + " " + element.dataset.labelMinutes);
    element.textContent = parts.join(" ") + " " + element.dataset.labelLeft;
  }
  function tick() {
    document.querySelectorAll(".countdown[data-deadline]").forEach(render);
  }
  tick();
  setInterval(tick, 30000);
})();
