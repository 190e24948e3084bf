from django.urls import path

from . import start_views, views

app_name = "guides"
urlpatterns = [
    path("", views.index, name="index"),
    # Before the stage pattern: "search" and "start" would otherwise read as stage slugs.
    path("search/", views.search, name="search"),
    path("start/", start_views.question, name="start"),
    path("start/help/", start_views.help_page, name="start_help"),
    path("start/<slug:step>/", start_views.question, name="start_step"),
    path("<slug:stage_slug>/", views.stage, name="stage"),
    path("<slug:stage_slug>/<slug:lesson_slug>/", views.lesson, name="lesson"),
    path("<slug:stage_slug>/<slug:lesson_slug>/complete/", views.complete, name="complete"),
    path("<slug:stage_slug>/<slug:lesson_slug>/incomplete/", views.incomplete, name="incomplete"),
]
