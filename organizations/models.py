from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.validators import validate_organization_inn
from ssp_portal import search
from ssp_portal.files import private_upload_to
from ssp_portal.private_files import PrivateUpload
from ssp_portal.states import Tone, toned


class Region(models.TextChoices):
    BISHKEK = "bishkek", _("Bishkek city")
    OSH_CITY = "osh_city", _("Osh city")
    BATKEN = "batken", _("Batken region")
    CHUY = "chuy", _("Chuy region")
    ISSYK_KUL = "issyk_kul", _("Issyk-Kul region")
    JALAL_ABAD = "jalal_abad", _("Jalal-Abad region")
    NARYN = "naryn", _("Naryn region")
    OSH = "osh", _("Osh region")
    TALAS = "talas", _("Talas region")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address.

    ``is_staff`` is Django's flag for the administration site (the platform operator); a
    municipality's finance staff are people with a staff membership of that municipality.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("administrator"),
        default=False,
        help_text=_("May use the administration site."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Municipality(models.Model):
    """A city or rural municipality (aiyl aimak) that runs social procurement."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        AIYL_AIMAK = "aiyl_aimak", _("Rural municipality (aiyl aimak)")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    code = models.CharField(
        _("code"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,5}$", _("Two to five capital Latin letters."))],
        help_text=_("Starts the reference numbers of its competitions, for example KRK."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CITY)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)
    authority = models.CharField(
        _("contracting authority"),
        max_length=200,
        blank=True,
        help_text=_("The body that announces competitions, for example the Mayor's Office."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Bishkek")
    min_submission_days = models.PositiveSmallIntegerField(
        _("minimum submission period (days)"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("The shortest time between publishing a competition and its deadline."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_submission_days__gte=1), name="municipality_min_period_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:municipality-detail", kwargs={"slug": self.slug})


# A model's states and roles are declared at module level so that its Meta's constraints can name
# them; read them through the model (``MunicipalityMembership.Role``, ``Organization.State``).
class MunicipalityRole(models.TextChoices):
    STAFF = "staff", _("Finance staff")
    CONSULTANT = "consultant", _("Monitoring consultant")
    # Reads everything of the municipality once unsealed, changes nothing.
    AUDITOR = "auditor", _("Auditor")


class MunicipalityMembershipQuerySet(models.QuerySet):
    def staff(self) -> MunicipalityMembershipQuerySet:
        return self.filter(role=MunicipalityMembership.Role.STAFF)

    def consultants(self) -> MunicipalityMembershipQuerySet:
        return self.filter(role=MunicipalityMembership.Role.CONSULTANT)

    def auditors(self) -> MunicipalityMembershipQuerySet:
        return self.filter(role=MunicipalityMembership.Role.AUDITOR)

    def readers(self) -> MunicipalityMembershipQuerySet:
        """Finance staff and auditors: who read everything of the municipality once unsealed."""
        return self.filter(role__in=[MunicipalityMembership.Role.STAFF, MunicipalityMembership.Role.AUDITOR])


class MunicipalityMembership(models.Model):
    """A person's role in a municipality: finance staff, monitoring consultant, or auditor.

    One role per person and municipality: a consultant reviews the municipality's projects, so
    they cannot also be its staff.
    """

    Role = MunicipalityRole

    user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="municipality_memberships",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    position = models.CharField(
        _("position"),
        max_length=200,
        blank=True,
        help_text=_("For example: Head of the Finance Department; Development Policy Institute."),
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    objects = MunicipalityMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality membership")
        verbose_name_plural = _("municipality memberships")
        ordering = ["municipality__name", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="municipality_membership_one_role"),
            models.CheckConstraint(
                condition=models.Q(role__in=MunicipalityRole.values),
                name="municipality_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.municipality}"


@toned(PENDING=Tone.WARNING, VERIFIED=Tone.SUCCESS, SUSPENDED=Tone.DANGER)
class OrganizationState(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")


# What lifting a suspension can return an organization to.
SUSPENDED_FROM = [OrganizationState.PENDING, OrganizationState.VERIFIED]


class OrganizationQuerySet(models.QuerySet):
    def verified(self) -> OrganizationQuerySet:
        return self.filter(state=Organization.State.VERIFIED)

    def pending(self) -> OrganizationQuerySet:
        return self.filter(state=Organization.State.PENDING)

    def visible_to(self, user: User) -> OrganizationQuerySet:
        """Organizations whose full profile a person may see.

        Its members; the finance staff of any municipality (they verify organizations, which
        apply to any municipality); administrators.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.municipality_memberships.staff().exists():
            return self.all()
        return self.filter(memberships__user=user).distinct()


class Organization(models.Model):
    """A non-commercial organization (NCO) that applies for social procurement."""

    class LegalForm(models.TextChoices):
        PUBLIC_FOUNDATION = "public_foundation", _("Public foundation")
        PUBLIC_UNION = "public_union", _("Public union")
        ASSOCIATION = "association", _("Association (union) of legal entities")
        INSTITUTION = "institution", _("Institution")
        OTHER = "other", _("Other non-commercial organization")

    State = OrganizationState

    name = models.CharField(_("name"), max_length=300)
    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    registration_number = models.CharField(_("state registration number"), max_length=50, unique=True)
    inn = models.CharField(
        _("INN"),
        max_length=14,
        unique=True,
        validators=[validate_organization_inn],
        help_text=_("The 14-digit tax number of the organization."),
    )
    registration_date = models.DateField(_("registration date"))
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)
    address = models.CharField(_("legal address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=32)
    email = models.EmailField(_("e-mail"))
    website = models.URLField(_("website"), blank=True)
    head_name = models.CharField(_("head of the organization"), max_length=200)
    mission = models.TextField(_("mission"), help_text=_("What the organization works for, and with whom."))
    state = models.CharField(_("verification"), max_length=16, choices=State.choices, default=State.PENDING)
    state_reason = models.TextField(_("reason"), blank=True)
    suspended_from = models.CharField(
        _("status before the suspension"),
        max_length=16,
        choices=[(status, status.label) for status in SUSPENDED_FROM],
        blank=True,
        help_text=_("What lifting the suspension returns the organization to."),
    )
    state_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    state_changed_by = models.ForeignKey(
        User,
        verbose_name=_("status changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered on the portal"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The name, INN and registration number, folded (``ssp_portal.search``): written by
    #: ``save``. On PostgreSQL, migration 0006 indexes it (trigrams) and the name (full text).
    search_text = models.TextField(_("searched text"), blank=True, default="", editable=False)

    objects = OrganizationQuerySet.as_manager()

    #: The fields ``search_text`` is made of.
    SEARCHED = ("name", "inn", "registration_number")

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=OrganizationState.values),
                name="organization_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(inn__regex=r"^[0-9]{14}$"), name="organization_inn_14_digits"
            ),
            # A suspension says why, and what lifting it returns to; nothing else has the latter.
            models.CheckConstraint(
                condition=~models.Q(state=OrganizationState.SUSPENDED)
                | (~models.Q(state_reason="") & models.Q(suspended_from__in=SUSPENDED_FROM)),
                name="organization_suspension_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(state=OrganizationState.SUSPENDED) | models.Q(suspended_from=""),
                name="organization_suspended_from_only_when_suspended",
            ),
        ]
        indexes = [models.Index(fields=["state", "name"], name="org_state_name_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.fold_search()
        kwargs["update_fields"] = search.with_search_text(kwargs.get("update_fields"), self.SEARCHED)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("organizations:organization-detail", kwargs={"pk": self.pk})

    def fold_search(self) -> None:
        """Writes the folded search column from the texts (``save`` does; a bulk insert calls it)."""
        self.search_text = search.folded(*(getattr(self, name) for name in self.SEARCHED))

    @property
    def is_verified(self) -> bool:
        return self.state == self.State.VERIFIED

    @property
    def is_suspended(self) -> bool:
        return self.state == self.State.SUSPENDED


class OrganizationMembership(models.Model):
    """A person who acts for an organization: applies, reports, keeps its profile."""

    user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="organization_memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("organization membership")
        verbose_name_plural = _("organization memberships")
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="organization_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization}"


# How long the link in an invitation works; sending it again starts the period anew.
INVITATION_VALID_FOR = datetime.timedelta(days=14)


def new_invitation_key() -> str:
    return secrets.token_urlsafe(32)


class OrganizationInvitationQuerySet(models.QuerySet):
    def open(self, now: datetime.datetime | None = None) -> OrganizationInvitationQuerySet:
        """Invitations that can still be accepted."""
        return self.filter(state=OrganizationInvitation.State.OPEN, expires_at__gt=now or timezone.now())

    def pending(self) -> OrganizationInvitationQuerySet:
        """Not answered and not cancelled: open, or expired and not yet sent again."""
        return self.filter(state=OrganizationInvitation.State.OPEN)


class InvitationState(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("invitation state", "Accepted")
    DECLINED = "declined", pgettext_lazy("invitation state", "Declined")
    CANCELLED = "cancelled", pgettext_lazy("invitation state", "Cancelled")


class OrganizationInvitation(models.Model):
    """A member's invitation to a colleague, by e-mail address, to join the organization.

    No one becomes a member until the person with that address, logged in, accepts it; they may
    decline it instead. The key in the e-mailed link finds the invitation; the address decides
    who may answer it.
    """

    State = InvitationState

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    key = models.CharField(_("key"), max_length=64, unique=True, default=new_invitation_key, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    closed_at = models.DateTimeField(_("answered or cancelled at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User,
        verbose_name=_("answered or cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OrganizationInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization invitation")
        verbose_name_plural = _("organization invitations")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(state=InvitationState.OPEN),
                name="organization_invitation_one_open_per_address",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=InvitationState.values),
                name="organization_invitation_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state=InvitationState.OPEN) | models.Q(closed_at__isnull=False),
                name="organization_invitation_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("organizations:invitation", kwargs={"key": self.key})

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.state == self.State.OPEN and self.expires_at <= (now or timezone.now())


class OrganizationDocument(PrivateUpload):
    """A founding document of an organization, kept private."""

    class Kind(models.TextChoices):
        CHARTER = "charter", _("Charter")
        REGISTRATION_CERTIFICATE = "registration_certificate", _("Certificate of state registration")
        OTHER = "other", _("Other document")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=private_upload_to("organization-documents"))

    class Meta:
        verbose_name = _("organization document")
        verbose_name_plural = _("organization documents")
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "organizations:document-download",
            kwargs={"pk": self.organization_id, "document_pk": self.pk},
        )

    def download_name(self) -> tuple[object, ...]:
        """What its download is named after: the organization's registration number, the kind of
        document, its number."""
        return (self.organization.registration_number, self.get_kind_display(), self.pk)
