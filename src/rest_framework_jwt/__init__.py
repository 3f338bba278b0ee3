"""JSON Web Token authentication for Django REST framework.

Importing this package needs no configured Django settings; the submodules that touch Django
(``authentication``, ``views``...) are imported by name.
"""

__title__ = "djangorestframework-jwt"
__version__ = "2.0.0.dev0"
__author__ = "The rest_framework_jwt maintainers"
__license__ = "MIT"
__copyright__ = "Copyright 2014-2026 The rest_framework_jwt maintainers"

# 1.x exposed the version under this name as well.
VERSION = __version__

__all__ = ["VERSION", "__author__", "__copyright__", "__license__", "__title__", "__version__"]
