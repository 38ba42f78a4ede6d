-- A link CSV applied with [実行] is kept, without its bytes, until its hour
-- is over, so that sending the form again (a reload) can say when it was
-- applied instead of "expired".
ALTER TABLE link_uploads ADD COLUMN applied_at BIGINT;
