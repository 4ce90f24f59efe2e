-- The Idempotency-Key is now claimed and its response saved inside the write's own transaction, so a
-- committed record always holds its response. Claims left by the former three-connection protocol (a
-- request that died between claim and completion) are dropped: their writes never committed.
delete from idempotency_records where completed_at is null;
