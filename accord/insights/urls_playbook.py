from django.urls import path

from accord.insights import playbook_views as views

urlpatterns = [
    path("", views.playbook_partnership, name="playbook_partnership"),
    *(
        path(
            f"<uuid:recommendation>/{decision}/",
            views.recommendation_decide,
            {"decision": decision},
            name=f"recommendation_{decision}",
        )
        for decision in views.DECISIONS
    ),
]
