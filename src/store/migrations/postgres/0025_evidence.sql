-- Evidence (issue 25, part 7). A punch keeps the id of the event it was
-- derived from (a clock-in's logon, a clock-out's logoff; no foreign key:
-- a purge may remove an event before the punch of a night that crossed
-- its date).
ALTER TABLE punches ADD COLUMN event_id BIGINT;
