"""Outgoing webhooks: the outbox delivered as signed POSTs (``delivery``), each delivery's
consent checked again just before it is sent (``consent``), and the command (``cli``)."""
