"""The portal's own date and number formats per language (``FORMAT_MODULE_PATH``).

One form per language, the same in pages, e-mails and PDFs: dates day first (never the US
month/day order), times on the 24-hour clock, and the separators that the ``soms`` and
``quantity`` filters use, so that no page mixes ``12.5`` and ``12,5``. Input formats accept what
a browser's date field sends (ISO, always accepted) and the day-first forms people type.
"""
