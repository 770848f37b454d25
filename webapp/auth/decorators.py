"""Route guards by role."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from webapp.auth.models import Role


def role_required(*roles: Role):
    """Logged in and holding one of ``roles``, else 403 (302 to login when anonymous)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
