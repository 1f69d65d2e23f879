from django.urls import path

from accord.workspaces import views

urlpatterns = [
    path("workspaces/new/", views.workspace_create, name="workspace_create"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("w/<slug:ws>/settings/", views.workspace_settings, name="workspace_settings"),
    path("w/<slug:ws>/settings/members/", views.member_list, name="member_list"),
    path("w/<slug:ws>/settings/members/<uuid:member>/role/", views.member_role, name="member_role"),
    path(
        "w/<slug:ws>/settings/members/<uuid:member>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "w/<slug:ws>/settings/invitations/<uuid:invitation>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("w/<slug:ws>/settings/audit/", views.audit_log, name="audit_log"),
]
