// Accounts (issue 14, finding 5): an admin's password reset leaves a one-time password that must
// be changed at the next login. Usernames are stored normalised (NFKC, case-folded; finding 9):
// the demo's and earlier names are ASCII, for which toLower() is that normalisation.
MATCH (u:User) WHERE u.must_change_password IS NULL SET u.must_change_password = false;
MATCH (u:User) WHERE u.username <> toLower(u.username) SET u.username = toLower(u.username);
