-- Evidence (issue 25, part 7). A punch keeps the id of the event it was
-- derived from (a clock-in's logon, a clock-out's logoff; no foreign key:
-- a purge may remove an event before the punch of a night that crossed
-- its date).
ALTER TABLE punches ADD COLUMN event_id BIGINT;
-- Each company's events form a hash chain in the order they were stored
-- (core/chain.h): an event's link (64 hex digits) and its place in the
-- chain (chain_seq: 1, 2, 3 ... a company, whatever the ids, which SQLite
-- may reuse), the company's last linked event, its place and its link (the
-- head), and whether events stored before the chain existed still wait for
-- theirs (linked at the company's next ingest, or by `loginrec verify`'s
-- first run). A purge that removes events records, for each place that
-- follows what it removed, the link it follows, sealed with a key derived
-- from the secrets key (chain_gaps), so the chain still verifies without
-- them and such a record cannot be made behind loginrec's back.
ALTER TABLE log_events ADD COLUMN chain TEXT;
ALTER TABLE log_events ADD COLUMN chain_seq BIGINT;
ALTER TABLE companies ADD COLUMN chain_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN chain_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN chain_head TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN chain_pending INTEGER NOT NULL DEFAULT 0;
UPDATE companies SET chain_pending = 1
    WHERE EXISTS (SELECT 1 FROM log_events WHERE log_events.company_id = companies.id);
CREATE INDEX log_events_chain ON log_events(company_id, chain_seq);
CREATE TABLE chain_gaps (
    company_id BIGINT NOT NULL REFERENCES companies(id),
    seq        BIGINT NOT NULL,
    prev       TEXT NOT NULL,
    mac        TEXT NOT NULL,
    made_at    BIGINT NOT NULL,
    PRIMARY KEY (company_id, seq)
);
