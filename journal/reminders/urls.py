from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.reminder_settings, name="settings"),
    path("devices/", views.add_device, name="add_device"),
    path("devices/<int:pk>/remove/", views.remove_device, name="remove_device"),
    path("open/", views.open_app, name="open"),
    path("pause/", views.pause, name="pause"),
    path("stop/", views.stop, name="stop"),
]
