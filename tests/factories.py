"""factory_boy factories: tests build what they need, no fixture files."""

from __future__ import annotations

import hashlib

import factory
from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from documents.models import Document
from jobs.models import Job

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("password")


class DocumentFactory(factory.django.DjangoModelFactory[Document]):
    class Meta:
        model = Document

    class Params:
        content = MINIMAL_PDF

    owner = factory.SubFactory(UserFactory)
    original_name = "lecture.pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name="upload.pdf"))


class JobFactory(factory.django.DjangoModelFactory[Job]):
    class Meta:
        model = Job

    owner = factory.SubFactory(UserFactory)
    document = factory.SubFactory(DocumentFactory, owner=factory.SelfAttribute("..owner"))
