"""`/healthz`, `/readyz` and `/metrics`."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST

from ops.health import readiness_checks
from ops.metrics import render_metrics


def healthz(_request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


async def readyz(_request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when every dependency answers, else 503 naming the ones that did not."""
    results = await readiness_checks()
    failed = [result.name for result in results if not result.ok]
    checks = {
        result.name: {
            "status": "ok" if result.ok else "error",
            "ms": result.milliseconds,
            **({"error": result.error} if result.error else {}),
        }
        for result in results
    }
    body = {"status": "unavailable" if failed else "ok", "failed": failed, "checks": checks}
    return JsonResponse(body, status=503 if failed else 200)


def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus exposition, for a bearer of METRICS_TOKEN or a signed-in staff member."""
    if not _has_metrics_token(request):
        if not request.user.is_authenticated:
            response = HttpResponse("A bearer token or a staff session is needed.\n", status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not request.user.is_staff:
            return HttpResponse("Only staff may read the metrics.\n", status=403)
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE_LATEST)


def _has_metrics_token(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(expected)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(presented.strip().encode(), expected.encode())
    )
