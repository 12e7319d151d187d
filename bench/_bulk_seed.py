"""A large customer base on PostgreSQL in a few statements: the demo catalog from the
generator (a handful of customers), then ``--customers`` more with orders and lines made
by ``generate_series`` inside the database. Deterministic (``setseed``); what it makes is
shaped like the demo (0-9 orders over two years, 1-3 lines each, some discounted, some
referred), not a copy of it."""

from __future__ import annotations

import asyncpg

STATEMENTS = [
    "SELECT setseed(0.42)",
    """
    INSERT INTO customers (id, display_name, email, customer_group, created_at, referred_by)
    SELECT 'cus_bulk_' || i, 'Bulk Customer ' || i, 'bulk' || i || '@bench.example',
           'RETAIL', now() - interval '800 days',
           CASE WHEN i % 25 = 0 THEN 'cus_bulk_' || (i / 25) END
    FROM generate_series(1, $1) AS i
    """,
    """
    CREATE TEMP TABLE bulk_orders AS
    SELECT 'ord_bulk_' || c || '_' || k AS id, 'cus_bulk_' || c AS customer_id,
           (ARRAY['WEB', 'MOBILE_APP', 'STORE', 'CALL_CENTER', 'MARKETPLACE'])
               [1 + floor(random() * 5)::int] AS channel,
           now() - make_interval(secs => random() * 730 * 86400) AS placed_at,
           1 + floor(random() * 3)::int AS lines,
           random() < 0.2 AS discounted
    FROM generate_series(1, $1) AS c
    CROSS JOIN LATERAL generate_series(
        1, (abs(hashtext('n' || c)) % 10) * (abs(hashtext('m' || c)) % 10) / 9) AS k
    """,
    """
    CREATE TEMP TABLE bulk_skus AS
    SELECT row_number() OVER (ORDER BY sku) AS n, sku, price FROM (
        SELECT p.sku, coalesce(min(pr.amount), 1000) AS price
        FROM products p LEFT JOIN prices pr ON pr.sku = p.sku AND pr.currency = 'USD'
        GROUP BY p.sku) s
    """,
    """
    CREATE TEMP TABLE bulk_lines AS
    SELECT o.id AS order_id, s.sku, 1 + floor(random() * 2)::int AS quantity, s.price
    FROM bulk_orders o
    CROSS JOIN LATERAL generate_series(1, o.lines) AS l
    JOIN bulk_skus s ON s.n = 1 + (abs(hashtext(o.id || l)) % (SELECT count(*) FROM bulk_skus))
    """,
    """
    INSERT INTO orders (id, customer_id, channel, placed_at, currency, subtotal, discount,
                        total, fulfillment, status)
    SELECT o.id, o.customer_id, o.channel, o.placed_at, 'USD', t.subtotal,
           CASE WHEN o.discounted THEN t.subtotal / 10 ELSE 0 END,
           t.subtotal - CASE WHEN o.discounted THEN t.subtotal / 10 ELSE 0 END,
           'SHIP', 'PLACED'
    FROM bulk_orders o
    JOIN (SELECT order_id, sum(quantity * price) AS subtotal FROM bulk_lines GROUP BY 1) t
      ON t.order_id = o.id
    """,
    """
    INSERT INTO order_lines (order_id, sku, quantity, unit_price, line_total)
    SELECT order_id, sku, quantity, price, quantity * price FROM bulk_lines
    """,
    "ANALYZE customers",
    "ANALYZE orders",
    "ANALYZE order_lines",
]


async def bulk_seed(dsn: str, customers: int) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            for statement in STATEMENTS:
                if "$1" in statement:
                    await conn.execute(statement, customers)
                else:
                    await conn.execute(statement)
        # A live database is vacuumed by autovacuum; a freshly bulk-loaded one is not yet,
        # and its first reader would pay for setting every row's hint bits.
        await conn.execute("VACUUM (ANALYZE) customers, orders, order_lines")
        orders = await conn.fetchval("SELECT count(*) FROM orders")
        lines = await conn.fetchval("SELECT count(*) FROM order_lines")
    finally:
        await conn.close()
    return {"orders": int(orders), "order_lines": int(lines)}
