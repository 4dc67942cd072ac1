// Rule N4 (issue 14): naming another carrier as a party of an agreement invites it; it becomes a
// party (PARTY_TO) when one of its strategists accepts, or the invitation is declined (removed).
CREATE REL TABLE IF NOT EXISTS INVITED_TO(FROM Carrier TO Agreement, since STRING);
