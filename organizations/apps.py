from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations and municipalities")

    def ready(self) -> None:
        from organizations.documents import registration_card
        from ssp_portal.audit.registry import register_verbs
        from ssp_portal.documents.registry import register

        register(registration_card)
        register_verbs(
            {
                "organization.registered": _("Organization registered"),
                "organization.updated": _("Profile updated"),
                "organization.verified": _("Organization verified"),
                "organization.suspended": _("Organization suspended"),
                "organization.suspension_lifted": _("Suspension lifted"),
                "organization.deleted": _("Organization deleted by the administrator"),
                "organization.document_added": _("Document added"),
                "organization.document_removed": _("Document removed"),
                "organization.document_deleted": _("Document deleted by the administrator"),
                "organization.member_added": _("Member added"),
                "organization.invitation_sent": _("Colleague invited"),
                "organization.invitation_resent": _("Invitation sent again"),
                "organization.invitation_cancelled": _("Invitation cancelled"),
                "organization.invitation_accepted": _("Invitation accepted: a new member"),
                "organization.invitation_declined": _("Invitation declined"),
                "organization.member_removed": _("Member removed"),
                "organization.member_left": _("Member left"),
                "municipality.member_appointed": _("Staff, consultant or auditor appointed"),
                "account.second_factor_postponed": _("Second factor postponed for a session"),
                "account.second_factor_removed": _("Second factor removed by an administrator"),
            }
        )
