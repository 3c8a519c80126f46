"""The server-rendered pages, and signing in and out."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import URLPattern, URLResolver, path

from documents.views import upload_page
from jobs.views import dashboard, home
from notes.views import note_detail, notes_list

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("upload/", upload_page, name="upload"),
    path("jobs/", dashboard, name="jobs"),
    path("notes/", notes_list, name="notes"),
    path("notes/<uuid:note_id>/", note_detail, name="note-detail"),
]

if settings.DEBUG:
    # daphne serves no static files: in development the pages serve their own. Production
    # runs `collectstatic` and serves STATIC_ROOT from the proxy in front.
    urlpatterns += staticfiles_urlpatterns()
