// name: add
UNWIND $rows AS r
MERGE (o:Outbox {id: r.id})
SET o.kind = r.kind, o.ref_id = r.ref_id, o.created_at = r.created_at

// name: pending
MATCH (o:Outbox)
RETURN o.id AS id, o.kind AS kind, o.ref_id AS ref_id, o.created_at AS created_at
ORDER BY o.created_at, o.id
LIMIT $limit

// name: remove
UNWIND $rows AS r
MATCH (o:Outbox {id: r.id})
WHERE o.created_at = r.created_at
DELETE o

// name: clear
MATCH (o:Outbox)
DELETE o

// name: count
MATCH (o:Outbox)
RETURN count(o) AS n
