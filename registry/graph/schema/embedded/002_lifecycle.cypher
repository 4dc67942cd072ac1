// Lifecycle (A13–A15): no new tables or columns on the embedded engine. Staff tasks reuse the
// Task table (their ids are derived from application and finding, see lifecycle_service);
// contracts the Contract table. This migration only keeps the version in step with Neo4j.
