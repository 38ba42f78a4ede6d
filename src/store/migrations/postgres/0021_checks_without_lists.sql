-- Issue 24: SQLite's migration of the same number rewrites its CHECKs with
-- lists (a temporary table per row written there); PostgreSQL checks a
-- list without one, so its constraints stay as they are.
SELECT 1;
