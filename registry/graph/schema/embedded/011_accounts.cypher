// Accounts (issue 14, finding 5): an admin's password reset leaves a one-time password that must
// be changed at the next login. Usernames are stored normalised (NFKC, case-folded; finding 9):
// the demo's and earlier names are ASCII, for which lower() is that normalisation.
ALTER TABLE User ADD IF NOT EXISTS must_change_password BOOLEAN DEFAULT false;
MATCH (u:User) WHERE u.username <> lower(u.username) SET u.username = lower(u.username);
