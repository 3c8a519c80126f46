"""The admin site, with the operations dashboard (`ops.dashboard`) on its index page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from ops.dashboard import dashboard_summary


class OpsAdminSite(admin.AdminSite):
    site_header = "PDF notes operations"
    site_title = "PDF notes admin"

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        context = {"dashboard": dashboard_summary(), **(extra_context or {})}
        return super().index(request, context)
