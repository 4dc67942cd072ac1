// Users: (u:User)-[:MEMBER_OF]->(:Carrier) for carrier staff, (u)-[:ACTS_FOR]->(:Provider) for
// provider accounts (issue 12); '' where a user has neither.

// name: by_username
MATCH (u:User {username: $username})
OPTIONAL MATCH (u)-[:MEMBER_OF]->(c:Carrier)
OPTIONAL MATCH (u)-[:ACTS_FOR]->(p:Provider)
RETURN u.id AS id, u.username AS username, u.password_hash AS password_hash, u.role AS role,
       coalesce(c.id, '') AS carrier, coalesce(p.id, '') AS provider, u.active AS active,
       u.token_epoch AS token_epoch,
       coalesce(u.must_change_password, false) AS must_change_password

// name: by_id
MATCH (u:User {id: $id})
OPTIONAL MATCH (u)-[:MEMBER_OF]->(c:Carrier)
OPTIONAL MATCH (u)-[:ACTS_FOR]->(p:Provider)
RETURN u.id AS id, u.username AS username, u.password_hash AS password_hash, u.role AS role,
       coalesce(c.id, '') AS carrier, coalesce(p.id, '') AS provider, u.active AS active,
       u.token_epoch AS token_epoch,
       coalesce(u.must_change_password, false) AS must_change_password

// name: create
// The node only; users.link_carrier / users.link_provider draw its membership in the same unit
// of work ($carrier and $provider are accepted and ignored here).
CREATE (u:User {id: $id, username: $username, password_hash: $password_hash, role: $role,
                active: true, token_epoch: 0, must_change_password: false,
                created_at: $now})
RETURN u.id AS id

// name: link_carrier
MATCH (u:User {id: $id})
MATCH (c:Carrier {id: $carrier})
MERGE (u)-[:MEMBER_OF]->(c)
RETURN u.id AS id

// name: link_provider
MATCH (u:User {id: $id})
MATCH (p:Provider {id: $provider})
MERGE (u)-[:ACTS_FOR]->(p)
RETURN u.id AS id

// name: set_password
// A new password hash (own change: $must_change false; an admin's reset: true); every token
// issued so far stops working.
MATCH (u:User {id: $id})
SET u.password_hash = $password_hash, u.must_change_password = $must_change,
    u.token_epoch = u.token_epoch + 1
RETURN u.token_epoch AS token_epoch

// name: set_active
// Deactivation (or reactivation) ends every session of the account at once.
MATCH (u:User {id: $id})
SET u.active = $active, u.token_epoch = u.token_epoch + 1
RETURN u.token_epoch AS token_epoch

// name: bump_token_epoch
MATCH (u:User {id: $id})
SET u.token_epoch = u.token_epoch + 1
RETURN u.token_epoch AS token_epoch

// name: list
MATCH (u:User)
OPTIONAL MATCH (u)-[:MEMBER_OF]->(c:Carrier)
OPTIONAL MATCH (u)-[:ACTS_FOR]->(p:Provider)
RETURN u.id AS id, u.username AS username, u.role AS role, coalesce(c.id, '') AS carrier,
       coalesce(p.id, '') AS provider, u.active AS active
ORDER BY username
