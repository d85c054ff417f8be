"""Django's password rules, told in the portal's words (and its catalogs' terms: in Kyrgyz a
password is «купуя сөз» on every page, the account pages included)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: choose one of at least %(min_length)d character.",
            "This password is too short: choose one of at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "At least %(min_length)d character.", "At least %(min_length)d characters.", self.min_length
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return _("This password is too like your %(verbose_name)s: choose another.")

    def get_help_text(self) -> str:
        return _("Not like your name or e-mail address.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("This password is one that many people use: choose another.")

    def get_help_text(self) -> str:
        return _("Not a password that many people use.")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("This password is only digits: add letters.")

    def get_help_text(self) -> str:
        return _("Not only digits.")
