// Portal (issue 8): a provider's application draft (see the embedded migration of the same name).
CREATE CONSTRAINT portaldraft_id IF NOT EXISTS FOR (n:PortalDraft) REQUIRE n.id IS UNIQUE;
