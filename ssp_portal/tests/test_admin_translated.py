"""The admin in Kyrgyz and Russian: its index, and each model's list and form, on the demo's data,
show no English of a string the portal translates (model and field names, help, actions)."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from organizations.models import User
from ssp_portal.tests.catalogs import LANGUAGES, english_left

pytestmark = pytest.mark.django_db

PERMISSIONS = r'<select name="(user_)?permissions".*?</select>'


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_pages_show_no_english(settings, tmp_path, language):
    settings.SSP_DEMO_ALLOWED = True
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--quiet", "--language", language)
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email="admin@ssp.example"))
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    leaks = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        # Django names permissions in the database, in English, when it creates them.
        html = re.sub(
            r'<select name="(user_)?permissions".*?</select>', "", response.content.decode(), flags=re.S
        )
        assert f'lang="{language}"' in html, url
        found = english_left(html, language)
        if found:
            leaks[url] = sorted(set(found))
    assert leaks == {}, "\n".join(f"{url}: {found}" for url, found in leaks.items())
