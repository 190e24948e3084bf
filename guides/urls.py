from django.urls import path

from . import views

app_name = "guides"
urlpatterns = [
    path("", views.index, name="index"),
    # Before the stage pattern: "search" would otherwise read as a stage slug.
    path("search/", views.search, name="search"),
    path("<slug:stage_slug>/", views.stage, name="stage"),
    path("<slug:stage_slug>/<slug:lesson_slug>/", views.lesson, name="lesson"),
    path("<slug:stage_slug>/<slug:lesson_slug>/complete/", views.complete, name="complete"),
    path("<slug:stage_slug>/<slug:lesson_slug>/incomplete/", views.incomplete, name="incomplete"),
]
