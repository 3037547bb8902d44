-- Schemas the schema-aware RuleTester cases declare (test/rules/schema.test.ts).
CREATE TABLE bookings (
  booking_id serial PRIMARY KEY,
  doctor     text NOT NULL,
  starts_at  timestamptz NOT NULL,
  patient    text NOT NULL
);
ALTER TABLE bookings ADD CONSTRAINT one_booking_per_slot UNIQUE (doctor, starts_at);
CREATE TABLE members (id serial PRIMARY KEY, email text NOT NULL, deleted_at timestamptz);
CREATE UNIQUE INDEX members_live_email ON members (email) WHERE deleted_at IS NULL;
CREATE TABLE products (id serial PRIMARY KEY, stock integer NOT NULL CHECK (stock >= 0));
CREATE TABLE profiles (id serial PRIMARY KEY, prefs jsonb NOT NULL DEFAULT '{}', visits integer NOT NULL DEFAULT 0);
CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE scheduled_jobs (id bigserial PRIMARY KEY, subject text NOT NULL, kind text NOT NULL, status text NOT NULL DEFAULT 'pending');
CREATE UNIQUE INDEX one_pending_job ON scheduled_jobs (subject, kind) WHERE status = 'pending';
CREATE TABLE progress_markers (root binary(32) NOT NULL, height int NOT NULL, fee_rate float, PRIMARY KEY (root));
CREATE TABLE job_buckets (name text NOT NULL, bucket timestamptz NOT NULL, stage text NOT NULL, PRIMARY KEY (name, bucket));
CREATE TABLE signer_scripts (address varchar(100) NOT NULL, script text NOT NULL, height int NOT NULL, PRIMARY KEY (address));
CREATE TABLE signer_notes (id char(36) NOT NULL, script text NOT NULL, PRIMARY KEY (id));
