"""No models: the app label ``rest_framework_jwt`` exists for the system checks and commands."""
