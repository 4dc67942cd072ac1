// Network part (rules N2-N7): lookup indexes. The new Agreement properties (rev, changed_at,
// status_reason) need no declaration on Neo4j; the queries read them with coalesce().
CREATE INDEX agreement_status IF NOT EXISTS FOR (n:Agreement) ON (n.status);
CREATE INDEX agreementversion_agreement_id IF NOT EXISTS FOR (n:AgreementVersion) ON (n.agreement_id);
CREATE INDEX unmetneed_district_key IF NOT EXISTS FOR (n:UnmetNeed) ON (n.district_key);
CREATE INDEX admission_target_group IF NOT EXISTS FOR (n:Admission) ON (n.target_group);
