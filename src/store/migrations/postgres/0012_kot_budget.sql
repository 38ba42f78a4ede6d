-- One KING OF TIME request budget per company, whatever the number of
-- instances: each call takes the company's next send slot. next_us is the
-- instant (microseconds since the epoch) from which the next slot is free;
-- taking n slots moves it n intervals (1/rate) on from itself or from now,
-- whichever is later, in one statement.
CREATE TABLE kot_send_slots (
    company_id BIGINT PRIMARY KEY,
    next_us    BIGINT NOT NULL
);

-- Delivery takes one company's due rows at a time, with every company's
-- rows queued together (a morning's clock-ins of many companies): the
-- company first, or each take walks every company's due rows.
CREATE INDEX outbox_company_due ON outbox(company_id, state, next_attempt_at);
