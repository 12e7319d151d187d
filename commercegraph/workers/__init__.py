"""Background work as tasks of procrastinate, a job engine on the PostgreSQL we already run.

``commercegraph worker`` runs the tasks on their schedules; each one-off CLI command
(``deliver-webhooks --once``, ``release-reservations``, ``segments refresh``, ...) still runs
the same work once by hand. The commands of the jobs that have no package of their own are
registered here (``inventory_cli``, ``checkout_cli``, ``wallet_cli``, ``offers_cli``); the
work itself is in ``commercegraph.usecases``.
"""
