"""The smallest honest Django page on the portal's stack: the baseline of `make bench`.

Django's default middleware, one query of 20 rows through the ORM, a template with a loop,
served by gunicorn from the same PostgreSQL database as the portal. It is no part of the portal.
"""
