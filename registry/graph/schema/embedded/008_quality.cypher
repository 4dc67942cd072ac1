// Quality assurance (issue 16, rule A16): visits to a provider (Hospitationen), complaint counts
// and yearly figures. Associations are relationships (docs/architecture.md "The graph model"):
// (:Carrier)-[:PLANNED]->(:Visit), (:Carrier)-[:INVITED {since}]->(:Visit),
// (:Carrier)-[:JOINED {since}]->(:Visit), (:Visit|:ComplaintCount)-[:CONCERNS]->(:Provider),
// (:ComplaintCount)-[:RECORDED_BY]->(:Carrier), (:Provider)-[:REPORTED]->(:YearlyReport)
// -[:CASES {count}]->(:TargetGroup), (:User)-[:AUTHORED]->(:Visit|:ComplaintCount|:YearlyReport).
// A complaint count has one node per provider, carrier, month and category (id
// "<provider>|<carrier>|<month>|<category>"), a yearly report one per provider and year (id
// "<provider>|<year>"): recording again corrects it.
CREATE NODE TABLE IF NOT EXISTS Visit(id STRING, planned_on STRING, note STRING, done_on STRING, finding STRING, created_at STRING, done_at STRING, PRIMARY KEY(id));
CREATE NODE TABLE IF NOT EXISTS ComplaintCount(id STRING, month STRING, category STRING, count INT64, recorded_at STRING, PRIMARY KEY(id));
CREATE NODE TABLE IF NOT EXISTS YearlyReport(id STRING, year INT64, in_person INT64, outreach INT64, remote INT64, completed INT64, goal_reached INT64, return_to_work INT64, reported_at STRING, PRIMARY KEY(id));
CREATE REL TABLE IF NOT EXISTS PLANNED(FROM Carrier TO Visit);
CREATE REL TABLE IF NOT EXISTS INVITED(FROM Carrier TO Visit, since STRING);
CREATE REL TABLE IF NOT EXISTS JOINED(FROM Carrier TO Visit, since STRING);
CREATE REL TABLE IF NOT EXISTS RECORDED_BY(FROM ComplaintCount TO Carrier);
CREATE REL TABLE IF NOT EXISTS REPORTED(FROM Provider TO YearlyReport);
CREATE REL TABLE IF NOT EXISTS CASES(FROM YearlyReport TO TargetGroup, count INT64);
ALTER TABLE CONCERNS ADD IF NOT EXISTS FROM Visit TO Provider;
ALTER TABLE CONCERNS ADD IF NOT EXISTS FROM ComplaintCount TO Provider;
ALTER TABLE AUTHORED ADD IF NOT EXISTS FROM User TO Visit;
ALTER TABLE AUTHORED ADD IF NOT EXISTS FROM User TO ComplaintCount;
ALTER TABLE AUTHORED ADD IF NOT EXISTS FROM User TO YearlyReport;
