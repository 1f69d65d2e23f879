"""Knowledge pages, mounted under /w/<workspace slug>/knowledge/."""

from django.urls import path

from accord.comms import knowledge_views as views

urlpatterns = [
    path("", views.knowledge_home, name="knowledge_home"),
    path("experts/", views.knowledge_experts, name="knowledge_experts"),
    path("skills/", views.knowledge_skills, name="knowledge_skills"),
    path("people/", views.knowledge_people, name="knowledge_people"),
    path("people/<uuid:person>/", views.knowledge_person, name="knowledge_person"),
    path("people/<uuid:person>/edit/", views.knowledge_person_edit, name="knowledge_person_edit"),
    path("me/", views.knowledge_me, name="knowledge_me"),
    path("resources/", views.knowledge_resources, name="knowledge_resources"),
    path("resources/add/", views.knowledge_resource_create, name="knowledge_resource_create"),
    path(
        "resources/<uuid:resource>/",
        views.knowledge_resource_detail,
        name="knowledge_resource_detail",
    ),
    path(
        "resources/<uuid:resource>/edit/",
        views.knowledge_resource_edit,
        name="knowledge_resource_edit",
    ),
    path(
        "resources/<uuid:resource>/delete/",
        views.knowledge_resource_delete,
        name="knowledge_resource_delete",
    ),
    path(
        "partnerships/<slug:partnership>/resources/",
        views.knowledge_partnership_resources,
        name="knowledge_partnership_resources",
    ),
    path("learning/", views.knowledge_learning, name="knowledge_learning"),
    path("learning/add/", views.knowledge_learning_create, name="knowledge_learning_create"),
    path(
        "learning/<uuid:opportunity>/",
        views.knowledge_learning_detail,
        name="knowledge_learning_detail",
    ),
    path(
        "learning/<uuid:opportunity>/edit/",
        views.knowledge_learning_edit,
        name="knowledge_learning_edit",
    ),
    path(
        "learning/<uuid:opportunity>/signup/",
        views.knowledge_learning_signup,
        name="knowledge_learning_signup",
    ),
    path(
        "learning/<uuid:opportunity>/withdraw/",
        views.knowledge_learning_withdraw,
        name="knowledge_learning_withdraw",
    ),
    path(
        "learning/<uuid:opportunity>/signups/<uuid:learning_signup>/remove/",
        views.knowledge_learning_signup_remove,
        name="knowledge_learning_signup_remove",
    ),
    path(
        "learning/<uuid:opportunity>/status/",
        views.knowledge_learning_status,
        name="knowledge_learning_status",
    ),
]
