// Network part (rules N2-N5): an agreement's revision stamp (optimistic concurrency: a change
// is saved only if nobody changed the agreement since it was read), the time of its last
// change, and the reason of its current status (suspension, termination), shown on it.
ALTER TABLE Agreement ADD IF NOT EXISTS rev STRING DEFAULT '';
ALTER TABLE Agreement ADD IF NOT EXISTS changed_at STRING DEFAULT '';
ALTER TABLE Agreement ADD IF NOT EXISTS status_reason STRING DEFAULT '';
