// Lifecycle (A13–A15): lookup indexes for contracts, tasks and the inbox queries.
CREATE INDEX contract_carrier IF NOT EXISTS FOR (n:Contract) ON (n.carrier);
CREATE INDEX contract_provider_id IF NOT EXISTS FOR (n:Contract) ON (n.provider_id);
CREATE INDEX task_provider_id IF NOT EXISTS FOR (n:Task) ON (n.provider_id);
CREATE INDEX admission_issued_by IF NOT EXISTS FOR (n:Admission) ON (n.issued_by);
CREATE INDEX admission_carrier IF NOT EXISTS FOR (n:Admission) ON (n.carrier);
CREATE INDEX application_status IF NOT EXISTS FOR (n:Application) ON (n.status);
CREATE INDEX site_responsible_carrier IF NOT EXISTS FOR (n:Site) ON (n.responsible_carrier);
