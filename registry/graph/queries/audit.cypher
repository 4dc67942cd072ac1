// name: append
CREATE (e:Event {id: $id, at: $at, actor: $actor, carrier: $carrier, subject_type: $subject_type,
                 subject_id: $subject_id, action: $action, reason: $reason, data: $data})

// name: link_application
MATCH (a:Application {id: $subject_id})
MATCH (e:Event {id: $id})
CREATE (a)-[:LOGGED]->(e)

// name: link_agreement
MATCH (a:Agreement {id: $subject_id})
MATCH (e:Event {id: $id})
CREATE (a)-[:LOGGED]->(e)

// name: link_provider
MATCH (a:Provider {id: $subject_id})
MATCH (e:Event {id: $id})
CREATE (a)-[:LOGGED]->(e)

// name: link_partner
MATCH (a:Partner {id: $subject_id})
MATCH (e:Event {id: $id})
CREATE (a)-[:LOGGED]->(e)

// name: for_application
MATCH (a:Application {id: $subject_id})-[:LOGGED]->(e:Event)
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.carrier AS carrier, e.action AS action,
       e.reason AS reason, e.data AS data
ORDER BY at, id

// name: for_agreement
MATCH (a:Agreement {id: $subject_id})-[:LOGGED]->(e:Event)
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.carrier AS carrier, e.action AS action,
       e.reason AS reason, e.data AS data
ORDER BY at, id
