"""The safety page's address, outside the guides: namespace (it is linked as 'safety')."""

from django.urls import path

from . import safety

urlpatterns = [path("safety/", safety.safety, name="safety")]
