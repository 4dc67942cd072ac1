// Accounts: failed logins are throttled in process memory (registry.auth.throttle, issue 14), so
// the user's failed_logins and locked_until properties, never read, go.
MATCH (u:User) REMOVE u.failed_logins, u.locked_until;
