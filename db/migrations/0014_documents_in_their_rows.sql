-- An event's stored JSON stays in its row. PostgreSQL moves a row's widest values to the TOAST table
-- once the row passes 2 kB (toast_tuple_target), and an event's row with its document (about 1.5 kB)
-- and list item (0.9 kB) passes it: every document was stored out of line, so each read of an event
-- looked it up in a second index and a second table. With the target at its maximum (a whole page),
-- a row is only compressed or moved out of line when it would not fit in a page, so a read of an event
-- is one index lookup and one row. Measured at 100k events (pgbench, the by-id query, shared buffers on
-- huge pages): 21,100–21,700 → 23,700–25,300 queries/s. The table is larger (370 MB against 190 MB
-- and 110 MB of TOAST at 100k; 4.1 GB at 1M), and a list page reads as many rows as before. A lower
-- target (2,600 bytes: the document compressed, three rows to a page) measured the same at 100k, but it
-- would move values of the larger curated events out of line again.
alter table events set (toast_tuple_target = 8160);

-- Rows written before keep their out-of-line values until they change: write each again. A value built
-- anew (not the stored pointer, which an update would keep as it is) is stored under the new target.
update events
set document_json = document_json || '', item_json = item_json || ''
where document_json is not null;
