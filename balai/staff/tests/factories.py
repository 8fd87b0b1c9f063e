import factory

from balai.people.tests.factories import VillageFactory
from balai.staff.models import Official


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    village = factory.SubFactory(VillageFactory)
    name = "SUTRISNO"
    position = "Kepala Desa"
