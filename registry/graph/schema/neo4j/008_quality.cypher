// Quality assurance (issue 16, rule A16): visits, complaint counts and yearly reports (see the
// embedded migration of the same name for the relationships; Neo4j needs no declaration of them).
CREATE CONSTRAINT visit_id IF NOT EXISTS FOR (n:Visit) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT complaintcount_id IF NOT EXISTS FOR (n:ComplaintCount) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT yearlyreport_id IF NOT EXISTS FOR (n:YearlyReport) REQUIRE n.id IS UNIQUE;
