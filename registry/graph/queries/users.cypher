// name: by_username
MATCH (u:User {username: $username})
RETURN u.id AS id, u.username AS username, u.password_hash AS password_hash, u.role AS role,
       u.carrier AS carrier, u.provider AS provider, u.active AS active,
       u.token_epoch AS token_epoch, u.failed_logins AS failed_logins,
       u.locked_until AS locked_until

// name: by_id
MATCH (u:User {id: $id})
RETURN u.id AS id, u.username AS username, u.password_hash AS password_hash, u.role AS role,
       u.carrier AS carrier, u.provider AS provider, u.active AS active,
       u.token_epoch AS token_epoch, u.failed_logins AS failed_logins,
       u.locked_until AS locked_until

// name: create
CREATE (u:User {id: $id, username: $username, password_hash: $password_hash, role: $role,
                carrier: $carrier, provider: $provider, active: true, token_epoch: 0,
                failed_logins: 0, locked_until: '', created_at: $now})
RETURN u.id AS id

// name: set_password
MATCH (u:User {id: $id})
SET u.password_hash = $password_hash, u.token_epoch = u.token_epoch + 1
RETURN u.id AS id

// name: record_login_failure
MATCH (u:User {id: $id})
SET u.failed_logins = u.failed_logins + 1, u.locked_until = $locked_until
RETURN u.failed_logins AS failed_logins

// name: record_login_success
MATCH (u:User {id: $id})
SET u.failed_logins = 0, u.locked_until = ''
RETURN u.id AS id

// name: bump_token_epoch
MATCH (u:User {id: $id})
SET u.token_epoch = u.token_epoch + 1
RETURN u.token_epoch AS token_epoch

// name: list
MATCH (u:User)
RETURN u.id AS id, u.username AS username, u.role AS role, u.carrier AS carrier,
       u.provider AS provider, u.active AS active
ORDER BY u.username
