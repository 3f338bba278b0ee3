from django.apps import AppConfig


class DemoApiConfig(AppConfig):
    name = "demo_api"
    verbose_name = "rest_framework_jwt demo"
