import factory

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.notifications.constants import Channel, Event
from skhcn.notifications.models import Delivery, Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(ApplicantFactory)
    event = Event.RECEIVED
    title = factory.Sequence(lambda n: f"Hồ sơ 000.26.H11-261130-{n:05d} đã được tiếp nhận")
    body = "Kính gửi Ông/Bà,\n\nHồ sơ đã được tiếp nhận."
    link = "/dich-vu-cong/ho-so-cua-toi/"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    notification = factory.SubFactory(NotificationFactory)
    channel = Channel.EMAIL
    address = "nguoinop@example.vn"
    subject = "Hồ sơ đã được tiếp nhận"
    body = "Kính gửi Ông/Bà,\n\nHồ sơ đã được tiếp nhận."
