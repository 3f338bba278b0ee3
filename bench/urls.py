"""Routes of the benchmark project (used by ``--gunicorn``; in-process runs call the views)."""

from __future__ import annotations

from django.conf import settings
from django.urls import path

from bench import views

urlpatterns = [
    path("ping/", views.ping),
    path("floor/", views.FloorView.as_view()),
    path("limit/", views.LimitView.as_view(algorithm=settings.ALGORITHM)),
    path("ours/default/", views.ours_default()),
    path("ours/external/", views.ours_external()),
    path("ours/obtain/", views.ours_obtain),
    path("ours/refresh/", views.ours_refresh),
    path("ours/verify/", views.ours_verify),
]

_stateless = views.ours_stateless()
if _stateless is not None:
    urlpatterns.append(path("ours/stateless/", _stateless))

if settings.HAS_SIMPLEJWT:
    urlpatterns += [
        path("simplejwt/stateless/", views.sj_stateless()),
        path("simplejwt/default/", views.sj_default()),
        path("simplejwt/obtain/", views.sj_obtain),
        path("simplejwt/refresh/", views.sj_refresh),
        path("simplejwt/refresh-rotating/", views.sj_refresh_rotating),
        path("simplejwt/refresh-rotating-blacklist/", views.sj_refresh_rotating_blacklist),
        path("simplejwt/verify/", views.sj_verify),
    ]
