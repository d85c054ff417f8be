"""Strings of Django's own whose Kyrgyz or Russian the portal's catalogs write otherwise.

The catalogs in ``locale/`` come before Django's, so a msgid marked here and translated there is
read in the portal's words wherever Django uses it. Nothing calls these: they are marked so that
``makemessages`` keeps them in the catalogs.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, ngettext_lazy

#: ``filesizeformat`` under 1 KB: Django's Kyrgyz writes 697 bytes as "697бит" (bits, no space).
FILE_SIZE_IN_BYTES = ngettext_lazy("%(size)d byte", "%(size)d bytes", "size")

#: allauth's message after a log-in, in the words of the portal's other messages.
SIGNED_IN = gettext_lazy("Successfully signed in as %(name)s.")
