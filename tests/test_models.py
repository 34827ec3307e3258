"""The data model's rules: slugs, constraints, stored HTML, names and addresses, images."""

from __future__ import annotations

import datetime
import io
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from labsite.images import validate_image_file
from labsite.models import Redirect, RenderedMarkdownModel
from people.models import Lab, Membership, NewsItem, Person, Role
from publications.models import Authorship, Publication
from research.models import Figure, Project
from tests import factories as f

pytestmark = pytest.mark.django_db


def image_file(size, *, fmt="PNG", mode="RGB", name="picture.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


@contextmanager
def refused():
    """The database refuses what the block writes (in a savepoint, so the test goes on)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


# -- slugs -------------------------------------------------------------------------------------


def test_person_slug_comes_from_the_name_and_collisions_get_a_number():
    people = [
        f.PersonFactory(name=name) for name in ["Lena Varkonyi", "Lena Varkonyi", "Lena  VARKONYI"]
    ]
    assert [p.slug for p in people] == ["lena-varkonyi", "lena-varkonyi-2", "lena-varkonyi-3"]
    assert f.PersonFactory(name="Zoë Ångström-Núñez").slug == "zoe-angstrom-nunez"


def test_person_slug_is_kept_when_the_name_changes():
    person = f.PersonFactory(name="Lena Varkonyi")
    person.name = "Lena B. Varkonyi"
    person.save()
    assert Person.objects.get(pk=person.pk).slug == "lena-varkonyi"


def test_project_slug_is_unique_per_lab_only(lab_a, lab_b):
    first = f.ProjectFactory(lab=lab_a, title="Federated Learning")
    second = f.ProjectFactory(lab=lab_a, title="Federated learning!")
    elsewhere = f.ProjectFactory(lab=lab_b, title="Federated Learning")
    assert [first.slug, second.slug, elsewhere.slug] == [
        "federated-learning",
        "federated-learning-2",
        "federated-learning",
    ]
    with refused():
        Project.objects.create(lab=lab_a, title="Again", slug="federated-learning")


# -- unique constraints ------------------------------------------------------------------------


def test_doi_is_normalised_and_unique():
    paper = f.PublicationFactory(doi="https://doi.org/10.1145/3372297.ABC")
    assert Publication.objects.get(pk=paper.pk).doi == "10.1145/3372297.abc"
    with refused():
        f.PublicationFactory(doi="doi:10.1145/3372297.Abc")
    # Papers without a DOI are many.
    f.PublicationFactory(doi="")
    f.PublicationFactory(doi="")
    assert Publication.objects.filter(doi="").count() == 2


def test_authorship_position_is_unique_per_publication():
    paper = f.PublicationFactory()
    f.AuthorshipFactory(publication=paper, position=0)
    f.AuthorshipFactory(publication=f.PublicationFactory(), position=0)
    with refused():
        Authorship.objects.create(publication=paper, name="Someone", position=0)


def test_membership_role_is_unique_per_person_and_lab(lab_a, lab_b):
    person = f.PersonFactory()
    Membership.objects.create(person=person, lab=lab_a, role=Role.PHD)
    Membership.objects.create(person=person, lab=lab_a, role=Role.POSTDOC)
    Membership.objects.create(person=person, lab=lab_b, role=Role.PHD)
    with refused():
        Membership.objects.create(person=person, lab=lab_a, role=Role.PHD)


def test_only_one_lab_is_the_default(lab_a, lab_b):
    with refused():
        Lab.objects.filter(pk=lab_b.pk).update(is_default=True)
    assert list(Lab.objects.filter(is_default=True)) == [lab_a]


def test_redirect_old_path_is_normalised_and_unique_per_lab(lab_a, lab_b):
    redirect = Redirect.objects.create(lab=lab_a, old_path=" about.html ", new_path="/people/")
    assert redirect.old_path == "/about.html"
    Redirect.objects.create(lab=lab_b, old_path="/about.html", new_path="/")
    with refused():
        Redirect.objects.create(lab=lab_a, old_path="about.html", new_path="/")


# -- check constraints -------------------------------------------------------------------------

DAY = datetime.date(2024, 5, 1)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda lab: Membership.objects.create(
                person=f.PersonFactory(), lab=lab, start=DAY, end=DAY - datetime.timedelta(days=1)
            ),
            id="membership-ends-before-it-starts",
        ),
        pytest.param(
            lambda lab: f.ProjectFactory(lab=lab, start=DAY, end=DAY - datetime.timedelta(days=1)),
            id="project-ends-before-it-starts",
        ),
        pytest.param(lambda lab: f.PublicationFactory(year=1800), id="publication-year-1800"),
        pytest.param(lambda lab: f.PublicationFactory(year=2500), id="publication-year-2500"),
        pytest.param(lambda lab: f.PublicationFactory(month=13), id="publication-month-13"),
        pytest.param(lambda lab: f.PublicationFactory(month=0), id="publication-month-0"),
        pytest.param(lambda lab: f.HonorFactory(year=1066), id="honor-year-1066"),
        pytest.param(lambda lab: NewsItem.objects.create(text="Orphan"), id="news-without-owner"),
    ],
)
def test_check_constraints_refuse_impossible_rows(lab_a, make):
    with refused():
        make(lab_a)


def test_check_constraints_accept_the_edges(lab_a):
    Membership.objects.create(person=f.PersonFactory(), lab=lab_a, start=DAY, end=DAY)
    f.ProjectFactory(lab=lab_a, start=DAY, end=None)
    f.PublicationFactory(year=1900, month=1)
    f.PublicationFactory(year=2200, month=12)
    NewsItem.objects.create(lab=lab_a, text="Lab news")
    NewsItem.objects.create(person=f.PersonFactory(), text="Member news")


# -- markdown into stored, sanitised HTML ------------------------------------------------------

NASTY = (
    'Hello <u>under</u> x<sup>2</sup> <span style="color:red">red</span> '
    '<script>alert(1)</script> <img src="a.png" onerror="alert(1)"> '
    "[click](javascript:alert(1)) **bold**"
)
CLEAN = (
    '<p>Hello <u>under</u> x<sup>2</sup> <span style="color:red">red</span>  '
    '<img src="a.png"> <a rel="noopener noreferrer">click</a> <strong>bold</strong></p>'
)


def _instances(lab):
    """One saved-able instance of every model that renders markdown."""
    person = f.PersonFactory()
    return {
        Lab: lab,
        Person: person,
        apps.get_model("people", "ProfileSection"): f.ProfileSectionFactory(person=person),
        NewsItem: f.NewsItemFactory(person=person),
        apps.get_model("people", "Talk"): f.TalkFactory(person=person),
        Publication: f.PublicationFactory(),
        Project: f.ProjectFactory(lab=lab),
        apps.get_model("people", "Post"): f.PostFactory(person=person),
    }


def test_every_markdown_field_is_stored_rendered_and_sanitised(lab_a):
    instances = _instances(lab_a)
    rendering = {m for m in apps.get_models() if issubclass(m, RenderedMarkdownModel)}
    assert set(instances) == rendering
    fields = []
    for model, obj in instances.items():
        for source, target in model.markdown_fields.items():
            setattr(obj, source, NASTY)
            obj.save()
            stored = model.objects.values_list(target, flat=True).get(pk=obj.pk)
            fields.append((model.__name__, source, stored))
    assert fields == [(name, source, CLEAN) for name, source, _ in fields]
    assert len(fields) == 9


def test_update_fields_saves_the_html_too(lab_a):
    project = f.ProjectFactory(lab=lab_a, summary="old")
    project.summary = "*new*"
    project.save(update_fields=["summary"])
    assert Project.objects.values_list("summary_html", flat=True).get(pk=project.pk) == (
        "<p><em>new</em></p>"
    )


def test_publication_title_is_rendered_inline_and_sanitised():
    paper = f.PublicationFactory(title="A *fancy* <u>title</u><script>x</script>")
    assert Publication.objects.values_list("title_html", flat=True).get(pk=paper.pk) == (
        "A <em>fancy</em> <u>title</u>"
    )


# -- names and addresses -----------------------------------------------------------------------


def test_str_and_get_absolute_url_of_every_model(cast, lab_a):
    alice = cast["alice"]
    person = alice.person
    membership = person.memberships.get()
    authorship = alice.publication.authorships.get(position=0)
    link = f.PublicationLinkFactory(
        publication=alice.publication, kind="code", url="https://github.com/a/b"
    )
    collaborator = f.CollaboratorFactory(project=alice.project, person=cast["bob"].person)
    figure = f.FigureFactory(project=alice.project, caption="Overview")
    redirect = Redirect.objects.create(lab=lab_a, old_path="/old/", new_path="/people/")
    lab_news = NewsItem.objects.create(lab=lab_a, text="Lab news", date=DAY)
    post = f.PostFactory(person=person, title="On tides", slug="")
    lab_post = f.PostFactory(person=None, lab=lab_a, title="Welcome", slug="")
    alice.news.date = DAY
    alice.news.save()
    pub = f"/publications/{alice.publication.pk}/"
    expected = {
        lab_a: ("Lab A", "/"),
        person: ("Alice Anders", "/people/alice-anders/"),
        membership: ("Alice Anders — PhD student, Lab A", "/people/alice-anders/"),
        alice.section: (
            "Alice Anders: About Alice Anders",
            "/people/alice-anders/#about-alice-anders",
        ),
        alice.news: (
            "2024-05-01: Alice Anders news",
            f"/people/alice-anders/#news-{alice.news.pk}",
        ),
        lab_news: ("2024-05-01: Lab news", f"/news/#news-{lab_news.pk}"),
        alice.honor: ("Alice Anders award (2023)", "/people/alice-anders/#honors"),
        alice.cv_entry: (
            "Alice Anders degree, University of Examples",
            "/people/alice-anders/cv/",
        ),
        alice.talk: ("Alice Anders talk — Workshop", "/people/alice-anders/#talks"),
        alice.teaching: ("Alice Anders course", "/people/alice-anders/#teaching"),
        alice.publication: ("Alice Anders's paper (2024)", pub),
        authorship: ("Alice Anders — Alice Anders's paper", pub),
        link: ("Code: https://github.com/a/b", pub),
        alice.project: ("Alice Anders's project", "/research/alice-anderss-project/"),
        collaborator: ("Bob Brown", "/research/alice-anderss-project/"),
        figure: ("Overview", "/research/alice-anderss-project/"),
        post: ("On tides", "/people/alice-anders/posts/on-tides/"),
        lab_post: ("Welcome", "/posts/welcome/"),
    }
    models = {
        m
        for app in ["people", "publications", "research"]
        for m in apps.get_app_config(app).get_models()
    }
    assert {type(obj) for obj in expected} == models
    assert {obj: (str(obj), obj.get_absolute_url()) for obj in expected} == expected
    # A redirect's address is its old path, which is what "view on site" opens.
    assert (str(redirect), redirect.old_path) == ("/old/ → /people/", "/old/")


# -- images ------------------------------------------------------------------------------------


def test_a_file_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_image_file(SimpleUploadedFile("cv.png", b"%PDF-1.4 not an image"))
    assert error.value.code == "invalid_image"
    person = f.PersonFactory()
    person.avatar = SimpleUploadedFile("cv.png", b"%PDF-1.4 not an image")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert list(error.value.message_dict) == ["avatar"]


@pytest.mark.parametrize(
    "size",
    [
        pytest.param((8000, 7500), id="60-megapixels"),  # over our limit, under Pillow's
        pytest.param((10000, 10000), id="100-megapixels"),  # over Pillow's warning limit too
    ],
)
def test_a_decompression_bomb_is_refused(size):
    bomb = image_file(size, mode="1", name="bomb.png")
    assert bomb.size < 200_000  # small on disk, huge once decoded
    with pytest.raises(ValidationError) as error:
        validate_image_file(bomb)
    assert error.value.code == "too_many_pixels"


def test_a_bmp_is_refused_even_though_pillow_reads_it():
    with pytest.raises(ValidationError) as error:
        validate_image_file(image_file((10, 10), fmt="BMP", name="x.bmp"))
    assert error.value.code == "invalid_format"


def test_an_avatar_keeps_its_size_and_gets_a_thumbnail():
    person = f.PersonFactory()
    person.avatar = image_file((1000, 800))
    person.full_clean()
    person.save()
    person = Person.objects.get(pk=person.pk)
    assert (person.avatar_width, person.avatar_height) == (1000, 800)
    assert (person.avatar_thumbnail_width, person.avatar_thumbnail_height) == (400, 320)
    assert person.avatar_display == person.avatar_thumbnail
    with Image.open(person.avatar_thumbnail.path) as thumb:
        assert thumb.size == (400, 320)


def test_a_small_avatar_is_shown_as_it_is():
    person = f.PersonFactory()
    person.avatar = image_file((120, 90))
    person.save()
    person = Person.objects.get(pk=person.pk)
    assert (person.avatar_width, person.avatar_height, bool(person.avatar_thumbnail)) == (
        120,
        90,
        False,
    )
    assert person.avatar_display == person.avatar


def test_a_large_figure_gets_a_web_rendition(lab_a):
    figure = f.FigureFactory(project=f.ProjectFactory(lab=lab_a))
    figure.image = image_file((2400, 1000), fmt="JPEG", name="plot.jpg")
    figure.full_clean()
    figure.save()
    figure = Figure.objects.get(pk=figure.pk)
    assert (figure.width, figure.height) == (2400, 1000)
    assert (figure.rendition_width, figure.rendition_height) == (1200, 500)
    assert figure.rendition.name.endswith(".jpg")
    assert figure.display_image == figure.rendition


def test_a_rotated_phone_photo_gets_an_upright_thumbnail():
    # Stored 1000×400 with EXIF "rotate 90°": the photo is portrait, and so must be its thumbnail.
    image = Image.new("RGB", (1000, 400), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    person = f.PersonFactory()
    person.avatar = SimpleUploadedFile("phone.jpg", out.getvalue(), content_type="image/jpeg")
    person.save()
    person = Person.objects.get(pk=person.pk)
    assert (person.avatar_thumbnail_width, person.avatar_thumbnail_height) == (160, 400)


def test_a_new_small_avatar_replaces_the_old_thumbnail():
    person = f.PersonFactory()
    person.avatar = image_file((1000, 800))
    person.save()
    person.avatar = image_file((100, 80), name="small.png")
    person.save()
    person = Person.objects.get(pk=person.pk)
    assert person.avatar_display == person.avatar


def test_a_new_small_figure_replaces_the_old_rendition(lab_a):
    figure = f.FigureFactory(project=f.ProjectFactory(lab=lab_a))
    figure.image = image_file((2400, 1200))
    figure.save()
    assert Figure.objects.get(pk=figure.pk).rendition_width == Figure.RENDITION_WIDTH
    figure.image = image_file((300, 150), name="small.png")
    figure.save()
    figure = Figure.objects.get(pk=figure.pk)
    assert (figure.display_image, figure.width) == (figure.image, 300)
