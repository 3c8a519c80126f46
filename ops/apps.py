from __future__ import annotations

import atexit

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Imported here: prometheus_client must load after settings set PROMETHEUS_MULTIPROC_DIR.
        from jobs.consumers import connection_closed, connection_opened
        from jobs.emitter import event_emitted
        from ops import metrics

        event_emitted.connect(metrics.record_event, dispatch_uid="ops.metrics.record_event")
        connection_opened.connect(metrics.websocket_opened, dispatch_uid="ops.ws_opened")
        connection_closed.connect(metrics.websocket_closed, dispatch_uid="ops.ws_closed")
        atexit.register(metrics.forget_this_process)


class OpsAdminConfig(admin_apps.AdminConfig):
    """The admin, with the operations dashboard on its index page."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "ops.admin_site.OpsAdminSite"
