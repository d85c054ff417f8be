"""One row editor for every table of rows in the portal.

Criteria, required documents, eligibility requirements, the commission, activities, budget lines,
indicators and payment tranches are each a list of rows edited on one page and saved as a whole.
The same rules hold for all of them:

- Every row shown from the database carries its id and is kept, changed or not, unless its Remove
  box is ticked. Only a blank *extra* row (offered for adding, left empty) is ignored.
- A row may be locked (a paid tranche, an indicator already reported on): it is shown, and neither
  changes nor can be removed. Some fields are fixed once the row exists (a commission member's
  e-mail address).
- Any invalid row saves nothing: the page comes back with everything as typed and the message beside
  the field. A list that changed since the page was opened is not overwritten.
- Totals (line totals, sums of a column against what they must add up to) are computed by the
  server, on every showing of the page, and while typing by ``static/js/rows.js``.
- The service receives the rows in the order shown and writes only what changed (``sync_rows``);
  saving a list unchanged writes nothing.

``forms`` holds the formset, ``views`` the page, ``sync`` the write.
"""
