"""The app's URLs plus the benchmark's baseline: the cheapest insert this stack can do."""

from django.urls import path

from bench.baseline import insert_one
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bench/baseline/", insert_one), *app_urlpatterns]
