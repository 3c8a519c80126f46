"""The server-rendered pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
