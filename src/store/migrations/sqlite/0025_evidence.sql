-- Evidence (issue 25, part 7). A punch keeps the id of the event it was
-- derived from (a clock-in's logon, a clock-out's logoff; no foreign key:
-- a purge may remove an event before the punch of a night that crossed
-- its date).
ALTER TABLE punches ADD COLUMN event_id INTEGER;
-- Each company's events form a hash chain in the order they were stored
-- (core/chain.h): an event's link (64 hex digits), the company's last
-- linked event and its link (the head), and whether events stored before
-- the chain existed still wait for theirs (linked at the next ingest, or
-- by `loginrec verify`'s first run). A purge that removes events before a
-- kept one records the link the kept one follows (chain_gaps), so the
-- chain still verifies without them.
ALTER TABLE log_events ADD COLUMN chain TEXT;
ALTER TABLE companies ADD COLUMN chain_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN chain_head TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN chain_pending INTEGER NOT NULL DEFAULT 0;
-- a purge removed the head: the next event stored gets a chain_gaps row
-- naming the head it follows
ALTER TABLE companies ADD COLUMN chain_gap_next INTEGER NOT NULL DEFAULT 0;
UPDATE companies SET chain_pending = 1
    WHERE EXISTS (SELECT 1 FROM log_events WHERE log_events.company_id = companies.id);
CREATE INDEX log_events_chain ON log_events(company_id, id);
CREATE TABLE chain_gaps (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    event_id   INTEGER NOT NULL,
    prev       TEXT NOT NULL,
    made_at    INTEGER NOT NULL,
    PRIMARY KEY (company_id, event_id)
);
