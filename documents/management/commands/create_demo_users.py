"""Create (or reset) the demo user and the staff user that `make dev` prints."""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

DEMO_USERS = (
    ("demo", "demo-password", False),
    ("staff", "staff-password", True),
)


class Command(BaseCommand):
    help = "Create the demo and staff users for local development, and print how to sign in."

    def handle(self, *args: Any, **options: Any) -> None:
        for username, password, is_staff in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = is_staff
            user.set_password(password)
            user.save()
            token, _ = Token.objects.get_or_create(user=user)
            role = "staff (admin at /admin/)" if is_staff else "user"
            self.stdout.write(f"  {role:<26} {username} / {password}   API token {token.key}")
