"""Staff find jobs in the admin: columns, filters, search, and a job's event timeline."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from jobs.events import ErrorCode, Stage
from jobs.models import Job
from tests.factories import DocumentFactory, JobFactory, UserFactory
from tests.servers import active, failed, queued

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/jobs/job/"


def listed_ids(response) -> set[str]:
    return {str(job.id) for job in response.context["cl"].result_list}


def test_the_changelist_shows_each_job_with_its_owner_file_and_duration(admin_client_for_ops):
    owner = UserFactory(username="ada")
    started = timezone.now() - timedelta(minutes=5)
    JobFactory(
        owner=owner,
        document=DocumentFactory(owner=owner, original_name="graphs-lecture.pdf"),
        status="completed",
        stage="completed",
        progress=100,
        cache_hit=True,
        attempt=2,
        started_at=started,
        finished_at=started + timedelta(seconds=42.5),
    )
    response = admin_client_for_ops.get(CHANGELIST)
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("ada", "graphs-lecture.pdf", "42.5 s", "Completed"):
        assert shown in page
    for column in ("Status", "Stage", "Progress", "Cache hit", "Attempt", "Duration", "Owner"):
        assert column in page


def test_the_changelist_sorts_by_duration(admin_client_for_ops):
    now = timezone.now()
    slow = JobFactory(started_at=now - timedelta(minutes=10), finished_at=now)
    fast = JobFactory(started_at=now - timedelta(seconds=3), finished_at=now)
    jobs = admin_client_for_ops.get(CHANGELIST, {"o": "7"}).context["cl"].result_list
    assert [job.id for job in jobs] == [fast.id, slow.id]


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ({"status__exact": "failed"}, {"failed"}),
        ({"stage__exact": "extracting_text"}, {"extracting"}),
        ({"cache_hit__exact": "1"}, {"cached"}),
        ({"error_code__exact": "PDF_ENCRYPTED"}, {"failed"}),
        (
            {
                "created_at__gte": "2020-01-01 00:00:00+00:00",
                "created_at__lt": "2020-01-02 00:00:00+00:00",
            },
            {"old"},
        ),
    ],
)
def test_the_filters_narrow_the_list(admin_client_for_ops, query, matches):
    jobs = {
        "failed": JobFactory(status="failed", stage="failed", error_code="PDF_ENCRYPTED"),
        "extracting": JobFactory(status="active", stage="extracting_text"),
        "cached": JobFactory(status="completed", stage="completed", cache_hit=True),
        "old": JobFactory(),
    }
    Job.objects.filter(id=jobs["old"].id).update(created_at=datetime(2020, 1, 1, 12, tzinfo=UTC))
    response = admin_client_for_ops.get(CHANGELIST, query)
    assert response.status_code == 200
    assert listed_ids(response) == {str(jobs[name].id) for name in matches}


def test_search_finds_jobs_by_id_owner_and_file_name(admin_client_for_ops):
    owner = UserFactory(username="grace")
    by_owner = JobFactory(owner=owner)
    by_file = JobFactory(document=DocumentFactory(original_name="quantum-notes.pdf"))
    other = JobFactory()

    def search(term: str) -> set[str]:
        return listed_ids(admin_client_for_ops.get(CHANGELIST, {"q": term}))

    assert search("grace") == {str(by_owner.id)}
    assert search("quantum") == {str(by_file.id)}
    assert search(str(other.id)) == {str(other.id)}


@pytest.mark.django_db(transaction=True)
def test_the_job_page_shows_its_event_timeline_in_seq_order_read_only(
    admin_client_for_ops, emit_all
):
    job = JobFactory()
    emit_all(
        job,
        [
            queued(),
            active(Stage.INITIALIZING, 5),
            active(Stage.EXTRACTING_TEXT, 30),
            failed(ErrorCode.PDF_NO_TEXT, 30),
        ],
    )
    response = admin_client_for_ops.get(f"{CHANGELIST}{job.id}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    timeline = page[page.index("Event timeline") :]
    positions = [timeline.index(text) for text in ("Queued", "Starting", "Extracting text")]
    assert positions == sorted(positions)
    assert "PDF_NO_TEXT" in timeline
    assert 'name="_save"' not in page, "a job is changed by its actions, not by a form"


def test_jobs_cannot_be_added_from_the_admin(admin_client_for_ops):
    assert admin_client_for_ops.get(f"{CHANGELIST}add/").status_code == 403
