// name: create
CREATE (t:Task {id: $id, carrier: $carrier, provider_id: $provider_id, kind: $kind, rule: $rule,
                application_id: $application_id, site_id: $site_id, message: $message,
                created_at: $now, due_on: $due_on, status: 'open'})

// name: open_for
MATCH (t:Task)
WHERE t.status = 'open' AND (t.carrier = $carrier OR ($provider_id <> '' AND t.provider_id = $provider_id AND t.carrier = ''))
RETURN t.id AS id, t.carrier AS carrier, t.provider_id AS provider_id, t.kind AS kind,
       t.rule AS rule, t.application_id AS application_id, t.site_id AS site_id,
       t.message AS message, t.created_at AS created_at, t.due_on AS due_on
ORDER BY t.created_at, t.id

// name: open_of_kind
MATCH (t:Task)
WHERE t.status = 'open' AND t.kind = $kind AND t.provider_id = $provider_id
RETURN t.id AS id, t.carrier AS carrier, t.rule AS rule, t.site_id AS site_id,
       t.application_id AS application_id, t.message AS message

// name: close
MATCH (t:Task {id: $id})
SET t.status = 'done'
RETURN t.id AS id
