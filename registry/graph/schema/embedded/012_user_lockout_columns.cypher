// Accounts: failed logins are throttled in process memory (registry.auth.throttle, issue 14), so
// the user's failed_logins and locked_until columns, never read, go.
ALTER TABLE User DROP IF EXISTS failed_logins;
ALTER TABLE User DROP IF EXISTS locked_until;
