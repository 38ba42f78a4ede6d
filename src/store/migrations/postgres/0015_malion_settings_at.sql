-- When the MaLion settings last changed: a poll is due at once after a
-- change, and 連携状況 says that an error older than it is from before the
-- change (not a verdict on the new settings).
ALTER TABLE malion_state ADD COLUMN settings_at BIGINT;
