-- A round scores with one stored rule-set version, the one the office chose when creating it
-- (issue 3). The id is what applies; rule_set_code and rule_set_version stay for display.
-- Existing rounds are linked to the stored version of their code and version. The rule sets
-- they use are frozen at start-up (backend::rounds::link_rule_sets), where it is audited.
-- Kept in step with migrations/postgres/0009_round_rule_set.sql.
ALTER TABLE rounds ADD COLUMN rule_set_id INTEGER REFERENCES rule_sets(id);
UPDATE rounds SET rule_set_id = (
    SELECT s.id FROM rule_sets s WHERE s.code = rounds.rule_set_code AND s.version = rounds.rule_set_version
);
CREATE INDEX rounds_rule_set ON rounds(rule_set_id);
