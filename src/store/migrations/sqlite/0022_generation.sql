-- Issue 24: a company's data generation. Every write of what a page or the
-- read API shows bumps it in the write's own transaction (store_sql.c,
-- sq_wrote), and loginrecd's response cache keys an answer by it: a read
-- that finds the generation moved computes the answer again.
ALTER TABLE companies ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
