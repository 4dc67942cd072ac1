// Rule N4 (issue 14): invitations to agreements are relationships (:Carrier)-[:INVITED_TO
// {since}]->(:Agreement); Neo4j needs no declaration. An index on nothing new: reads start at the
// agreement or the carrier. The statement keeps the version in step with the embedded engine.
MATCH (m:Meta {key: 'schema_version'}) RETURN m.value AS v;
