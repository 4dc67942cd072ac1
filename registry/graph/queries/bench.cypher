// BENCH-ONLY bulk loading for the directory search benchmark (`python -m bench.search`).
// Never used by the application: these queries write synthetic providers, sites and admissions
// straight into an empty benchmark graph, bypassing the admission services (no applications,
// audit events, notices or outbox rows). Rows of one batch carry the same keys and types.

// name: load_providers
UNWIND $rows AS r
CREATE (p:Provider {id: r.id, name: r.name, legal_form: r.legal_form, email: r.email,
                    phone: r.phone, website: r.website, active: r.active,
                    created_at: r.created_at})

// name: load_sites
UNWIND $rows AS r
CREATE (s:Site {id: r.id, name: r.name,
                headquarters: r.headquarters, street: r.street, postal_code: r.postal_code,
                place: r.place, lat: r.lat, lon: r.lon,
                catchment_radius_km: r.catchment_radius_km,
                outreach_radius_km: r.outreach_radius_km, public_transport: r.public_transport,
                barrier_free: r.barrier_free, rooms_individual: true, rooms_relatives: true,
                languages: r.languages, active: r.active, details: r.details,
                confirmed_on: r.confirmed_on, created_at: r.created_at})

// name: link_sites_to_providers
UNWIND $rows AS r
MATCH (p:Provider {id: r.provider_id})
MATCH (s:Site {id: r.id})
CREATE (p)-[:OPERATES]->(s)

// name: link_sites_to_districts
UNWIND $rows AS r
MATCH (s:Site {id: r.id})
MATCH (d:District {key: r.district_key})
CREATE (s)-[:LOCATED_IN]->(d)

// name: load_admissions
// (no applications in the benchmark graph: admissions have their site, group and issuer)
UNWIND $rows AS r
CREATE (m:Admission {id: r.id, status: r.status, decided_at: r.decided_at,
                     changed_at: r.changed_at, review_due: r.review_due, reason: r.reason})
WITH m, r
MATCH (s:Site {id: r.site_id})
CREATE (s)-[:HAS_ADMISSION]->(m)
WITH m, r
MATCH (t:TargetGroup {code: r.target_group})
CREATE (m)-[:FOR_GROUP]->(t)

// name: link_admission_issuers
UNWIND $rows AS r
MATCH (m:Admission {id: r.id})
MATCH (c:Carrier {id: r.issued_by})
CREATE (m)-[:ISSUED_BY]->(c)

// name: counts
MATCH (s:Site)
WITH count(s) AS sites
MATCH (m:Admission)
RETURN sites, count(m) AS admissions

// BENCH-ONLY: whole-table reads for the benchmark's prototype of a faster full reindex
// (bench/search.py, `proposed_reindex`): the same columns as providers.sites and
// admission.admissions_of_sites, read in one scan each instead of one IN-list scan per batch.

