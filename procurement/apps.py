from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    """Priority issues, competitions, applications, evaluation and awards."""

    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        from organizations.permissions import register_second_factor_role
        from procurement.documents import announcement, protocol, receipt
        from ssp_portal.audit.registry import register_verbs
        from ssp_portal.documents.registry import register

        register(announcement)
        register(receipt)
        register(protocol)
        # Commission members score applications: they log in with a second factor.
        register_second_factor_role(Q(commission_memberships__isnull=False))
        register_verbs(
            {
                "priority_issue.created": _("Priority issue created"),
                "priority_issue.updated": _("Priority issue updated"),
                "priority_issue.approved": _("Priority issue approved"),
                "competition.created": _("Competition drafted"),
                "competition.updated": _("Draft updated"),
                "competition.criteria_set": _("Evaluation criteria set"),
                "competition.documents_set": _("Required documents set"),
                "competition.eligibility_set": _("Eligibility requirements set"),
                "competition.commission_set": _("Commission appointed"),
                "competition.published": _("Competition published"),
                "competition.amended": _("Amendment published"),
                "competition.closed": _("Submission deadline passed"),
                "competition.evaluation_started": _("Evaluation started"),
                "competition.completed": _("Results published"),
                "competition.cancelled": _("Competition cancelled"),
                "application.started": _("Application started"),
                "application.submitted": _("Application submitted"),
                "application.withdrawn": _("Application withdrawn"),
                "application.new_version": _("New version started"),
                "application.file_attached": _("File attached"),
                "application.file_removed": _("File removed"),
                "application.screened": _("Application screened"),
                "commission.declared": _("Declaration of interest signed"),
                "score_sheet.submitted": _("Score sheet submitted"),
                "score_sheet.reopened": _("Score sheet reopened by the chair"),
                "award.granted": _("Award decided"),
                "award.revoked": _("Award taken back"),
            }
        )
        from procurement.models import Application
        from ssp_portal.seals import register_sealed

        register_sealed(Application, _sealed_application_ids)


def _sealed_application_ids():
    """Applications of competitions whose deadline has not passed: who applied is not yet known."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from procurement.models import Application
    from procurement.models.applications import unsealed

    return Application.objects.exclude(unsealed()).annotate(key=Cast("pk", CharField())).values("key")
