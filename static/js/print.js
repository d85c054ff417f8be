// On paper a link in the text prints its full address (static/css/print.css): the stylesheet
// reads the portal's address from --portal-site-url, set here from the print header, since the
// Content-Security-Policy allows no inline <style> to set it.
(function () {
  "use strict";
  const header = document.querySelector(".print-header[data-site-url]");
  if (!header) return;
  const quoted = '"' + header.dataset.siteUrl.replace(/["\\]/g, "\\$&") + '"';
  document.documentElement.style.setProperty("--portal-site-url", quoted);
})();
