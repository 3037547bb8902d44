-- A table whose primary key has a column named like state (test/rules/flow-context.test.ts).
CREATE TABLE lifecycles (
  feature text NOT NULL,
  stage   text NOT NULL,
  active  boolean NOT NULL DEFAULT true,
  PRIMARY KEY (feature, stage)
);
