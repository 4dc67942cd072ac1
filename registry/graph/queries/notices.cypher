// name: create_many
UNWIND $rows AS r
CREATE (n:Notice {id: r.id, carrier: r.carrier, kind: r.kind, subject_type: r.subject_type,
                  subject_id: r.subject_id, title: r.title, message: r.message,
                  created_at: r.created_at, acknowledged_at: '', acknowledged_by: ''})

// name: list
MATCH (n:Notice)
WHERE n.carrier = $carrier AND n.kind IN $kinds
  AND ($acknowledged = '' OR ($acknowledged = 'true' AND n.acknowledged_at <> '')
       OR ($acknowledged = 'false' AND n.acknowledged_at = ''))
RETURN n.id AS id, n.kind AS kind, n.subject_type AS subject_type, n.subject_id AS subject_id,
       n.title AS title, n.message AS message, n.created_at AS created_at,
       n.acknowledged_at AS acknowledged_at
ORDER BY n.created_at DESC, n.id

// name: get
MATCH (n:Notice {id: $id})
RETURN n.id AS id, n.carrier AS carrier, n.kind AS kind, n.acknowledged_at AS acknowledged_at

// name: acknowledge
MATCH (n:Notice {id: $id})
WHERE n.acknowledged_at = ''
SET n.acknowledged_at = $now, n.acknowledged_by = $user
RETURN n.id AS id

// name: for_subject
MATCH (n:Notice)
WHERE n.subject_id = $subject_id
RETURN n.id AS id, n.carrier AS carrier, n.kind AS kind, n.message AS message
ORDER BY n.created_at, n.id
