-- tuogou PostgreSQL schema: versioned migrations, the same as
-- schema_sqlite.sql in PostgreSQL's dialect.
--
-- Each migration starts with a line "-- migration: N", carries the number of
-- the SQLite migration it mirrors, and runs once, in one transaction, under
-- an advisory lock (so that several `tuogou serve` starting at once migrate
-- once), recorded in the table schema_migrations.  Never edit a migration
-- that has shipped: add the next one below it, in both files.
--
-- Tables and columns are those of the SQLite schema, name for name and in
-- the same order (the store derives its SQL from the schema table of
-- src/core/schema.c for both).  Dates are date (shown as 'YYYY-MM-DD');
-- money is bigint fen (0.01 yuan), never floating point; booleans are
-- boolean; enums are their English keys; times people read are text
-- 'YYYY-MM-DDTHH:MM:SSZ' as in SQLite; the register's text is COLLATE "C",
-- so that keys sort bytewise as SQLite sorts them whatever the database's
-- locale.  Every row carries a version for optimistic concurrency and the
-- time of its last change.  Substring search
-- on names is a pg_trgm GIN index instead of SQLite's FTS5 table and its
-- triggers.

-- migration: 1
-- The text timestamp of SQLite's strftime('%Y-%m-%dT%H:%M:%SZ','now').
CREATE FUNCTION tg_now() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

CREATE TABLE meta (
  "key" text COLLATE "C" PRIMARY KEY,
  "value" text COLLATE "C" NOT NULL
);

-- The plan the register is run under (docs/plan-format.md), as loaded.
CREATE TABLE plan (
  "id" integer PRIMARY KEY CHECK ("id" = 1),
  "plan_id" text COLLATE "C" NOT NULL,
  "json" text COLLATE "C" NOT NULL,
  "loaded_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE batches (
  "id" text COLLATE "C" PRIMARY KEY,
  "name" text COLLATE "C",
  "due" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE units (
  "id" text COLLATE "C" PRIMARY KEY,
  "name" text COLLATE "C" NOT NULL,
  "kind" text COLLATE "C" NOT NULL,
  "function_list_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE associations (
  "uscc" text COLLATE "C" PRIMARY KEY,
  "name" text COLLATE "C" NOT NULL,
  "level" text COLLATE "C" NOT NULL,
  "member_basis" text COLLATE "C",
  "registered_on" date NOT NULL,
  "deregistered_on" date,
  "unit" text COLLATE "C" REFERENCES units("id"),
  "link" text COLLATE "C",
  "link_cancelled_on" date,
  "scope_override_in_scope" boolean,
  "scope_override_reason" text COLLATE "C",
  "batch" text COLLATE "C",
  "plan_submitted_on" date,
  "decoupled_on" date,
  "audit_report_on" date,
  "report_submitted_on" date,
  "accepted_on" date,
  "independent_account_on" date,
  "asset_inventory_on" date,
  "party_org" boolean NOT NULL DEFAULT false,
  "party_transferred_on" date,
  "charter_filed_on" date,
  "staffing_quota" bigint NOT NULL DEFAULT 0,
  "staffing_quota_cancelled_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE persons (
  "id" text COLLATE "C" PRIMARY KEY,
  "name" text COLLATE "C" NOT NULL,
  "id_number" text COLLATE "C",
  "civil_servant" boolean NOT NULL DEFAULT false,
  "leading_cadre" boolean NOT NULL DEFAULT false,
  "unit" text COLLATE "C" REFERENCES units("id"),
  "retired_on" date,
  "left_public_service_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE posts (
  "id" text COLLATE "C" PRIMARY KEY,
  "person" text COLLATE "C" NOT NULL REFERENCES persons("id"),
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "role" text COLLATE "C" NOT NULL,
  "legal_representative" boolean NOT NULL DEFAULT false,
  "from" date NOT NULL,
  "to" date,
  "recommended_by_unit" boolean NOT NULL DEFAULT false,
  "paid" boolean NOT NULL DEFAULT false,
  "approval_kind" text COLLATE "C",
  "approval_ref" text COLLATE "C",
  "approval_on" date,
  "departure_audit_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE staff (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "name" text COLLATE "C",
  "from" date NOT NULL,
  "to" date,
  "labor_contract_on" date,
  "social_insurance_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE premises (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "address" text COLLATE "C",
  "owner" text COLLATE "C" NOT NULL,
  "area" double precision NOT NULL,
  "approved_area" double precision,
  "co_located_with_unit" boolean NOT NULL DEFAULT false,
  "from" date NOT NULL,
  "to" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE assets (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "name" text COLLATE "C",
  "state_owned" boolean NOT NULL DEFAULT false,
  "value" bigint NOT NULL DEFAULT 0,
  "from" date NOT NULL,
  "to" date,
  "registered_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE appropriations (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "year" bigint NOT NULL,
  "kind" text COLLATE "C" NOT NULL,
  "amount" bigint NOT NULL DEFAULT 0,
  "on" date NOT NULL,
  "purchase_item" text COLLATE "C",
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE functions (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "unit" text COLLATE "C" REFERENCES units("id"),
  "name" text COLLATE "C",
  "disposition" text COLLATE "C" NOT NULL,
  "stripped_on" date,
  "legal_basis" text COLLATE "C",
  "purchase_ref" text COLLATE "C",
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE unit_tasks (
  "id" text COLLATE "C" PRIMARY KEY,
  "unit" text COLLATE "C" NOT NULL REFERENCES units("id"),
  "task" text COLLATE "C",
  "clause" text COLLATE "C",
  "higher_level_doc_on" date,
  "issued_on" date,
  "published_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE elections (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "body" text COLLATE "C" NOT NULL,
  "on" date NOT NULL,
  "term_years" bigint NOT NULL,
  "contested" boolean NOT NULL DEFAULT false,
  "secret_ballot" boolean NOT NULL DEFAULT false,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE annual_reports (
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "year" bigint NOT NULL,
  "submitted_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now(),
  PRIMARY KEY ("association", "year")
);

CREATE TABLE foreign_approvals (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "on" date NOT NULL,
  "approver_unit" text COLLATE "C" REFERENCES units("id"),
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE TABLE credit_listings (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "list" text COLLATE "C" NOT NULL,
  "on" date NOT NULL,
  "reason" text COLLATE "C",
  "removed_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

CREATE INDEX associations_unit ON associations("unit");
CREATE INDEX persons_unit ON persons("unit");
CREATE INDEX posts_person ON posts("person");
CREATE INDEX posts_association ON posts("association");
CREATE INDEX staff_association ON staff("association");
CREATE INDEX premises_association ON premises("association");
CREATE INDEX assets_association ON assets("association");
CREATE INDEX appropriations_association ON appropriations("association");
CREATE INDEX functions_association ON functions("association");
CREATE INDEX functions_unit ON functions("unit");
CREATE INDEX unit_tasks_unit ON unit_tasks("unit");
CREATE INDEX elections_association ON elections("association");
CREATE INDEX foreign_approvals_association ON foreign_approvals("association");
CREATE INDEX foreign_approvals_approver_unit ON foreign_approvals("approver_unit");
CREATE INDEX credit_listings_association ON credit_listings("association");

-- migration: 2
-- The web application: accounts, sessions, evidence files, the history of
-- every change, full-text search on association names and their pinyin
-- sort key.  Times used for expiry arithmetic are bigint Unix seconds;
-- times people read are text 'YYYY-MM-DDTHH:MM:SSZ'.

-- The register's generation: bumped by every write transaction, so that a
-- server can tell its cached findings are stale with one read.
INSERT INTO meta ("key", "value") VALUES ('generation', '0')
  ON CONFLICT ("key") DO NOTHING;

-- Pinyin sort key of the name: its GB18030 bytes (set by the store).
ALTER TABLE associations ADD COLUMN "name_pinyin" bytea;
CREATE INDEX associations_name_pinyin ON associations("name_pinyin");
CREATE INDEX associations_batch ON associations("batch");
CREATE INDEX associations_registered_on ON associations("registered_on");

CREATE TABLE users (
  "id" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  "username" text COLLATE "C" NOT NULL UNIQUE,
  "display_name" text,
  "role" text NOT NULL CHECK ("role" IN ('office', 'civil_affairs', 'unit', 'department',
                                         'association', 'sysadmin', 'secadmin', 'auditor')),
  "unit" text REFERENCES units("id"),
  "association" text REFERENCES associations("uscc"),
  "department" text CHECK ("department" IS NULL OR "department" IN
                           ('finance', 'offices', 'organization', 'staffing', 'audit', 'price')),
  "password_hash" text NOT NULL,          -- Argon2id, crypto_pwhash_str format
  "failed_count" bigint NOT NULL DEFAULT 0,
  "locked_until" bigint NOT NULL DEFAULT 0,
  "totp_secret" text,
  "created_at" text NOT NULL DEFAULT tg_now(),
  CHECK (("role" = 'unit') = ("unit" IS NOT NULL)),
  CHECK (("role" = 'association') = ("association" IS NOT NULL)),
  CHECK (("role" = 'department') = ("department" IS NOT NULL))
);

-- A session is known only by the SHA-256 of its token (hex).
CREATE TABLE sessions (
  "token_hash" text PRIMARY KEY,
  "user" bigint NOT NULL REFERENCES users("id") ON DELETE CASCADE,
  "csrf_token" text NOT NULL,
  "created_at" bigint NOT NULL,
  "last_seen" bigint NOT NULL
);
CREATE INDEX sessions_user ON sessions("user");

-- Evidence files (佐证材料): the bytes live under var/evidence/ with a
-- generated name; path is that name, never anything a client sent.
CREATE TABLE evidence (
  "id" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  "association" text NOT NULL REFERENCES associations("uscc"),
  "rule" text,
  "subject" text,
  "name" text NOT NULL,
  "content_type" text NOT NULL,
  "size" bigint NOT NULL,
  "sha256" text NOT NULL,
  "path" text NOT NULL UNIQUE,
  "uploaded_by" text NOT NULL,
  "uploaded_at" text NOT NULL DEFAULT tg_now()
);
CREATE INDEX evidence_association ON evidence("association", "rule", "subject");

-- The history of every change: one row per record written (before and
-- after as bundle JSON, null for a creation), one row per bulk import.
CREATE TABLE changes (
  "id" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  "at" text NOT NULL DEFAULT tg_now(),
  "user" text NOT NULL,
  "array" text NOT NULL,
  "key" text,
  "association" text,                      -- the association the record belongs to
  "before" text,
  "after" text
);
CREATE INDEX changes_association ON changes("association", "id");

-- Substring search on names: SQLite has an FTS5 trigram table kept by
-- triggers; here a trigram GIN index on the name itself serves ILIKE
-- (searches of 3 characters or more; shorter ones use position()).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX associations_name_trgm ON associations USING gin ("name" gin_trgm_ops);

-- migration: 3
-- Security (等保 2.0 level 3 at the application): the audit log, settings,
-- ID numbers sealed at rest, the second factor's bookkeeping.

-- Settings of the system administrator (sysadmin), one row per key.
CREATE TABLE settings (
  "key" text COLLATE "C" PRIMARY KEY,
  "value" text NOT NULL,
  "updated_at" text NOT NULL DEFAULT tg_now(),
  "updated_by" text
);
INSERT INTO settings ("key", "value") VALUES ('require_totp', '0');

-- The audit log: a hash chain (src/core/audit.c).  prev and hash are hex
-- SHA-256; the head of the chain (audit_head_seq, audit_head_hash) and, after
-- a purge, the anchor (audit_anchor_seq, audit_anchor_hash: the last purged
-- record) are kept in meta.  Records are never changed, and removed only by
-- `tuogou audit purge` once older than 180 days: the triggers refuse the rest
-- (TRUNCATE included).  Appends are serialised by an advisory lock (the
-- store's audit_append), as SQLite serialises its writers.
CREATE TABLE audit_log (
  "seq" bigint PRIMARY KEY,
  "at" text COLLATE "C" NOT NULL,
  "user" text,
  "role" text,
  "ip" text,
  "event" text NOT NULL,
  "object" text,
  "outcome" text NOT NULL,
  "before" text,
  "after" text,
  "prev" text NOT NULL,
  "hash" text NOT NULL
);
CREATE INDEX audit_log_at ON audit_log("at");
CREATE INDEX audit_log_user ON audit_log("user", "seq");
CREATE INDEX audit_log_event ON audit_log("event", "seq");
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit_log: 审计记录不可修改';
  ELSIF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit_log: 审计记录不可清空';
  ELSIF OLD."at" >= to_char((now() - interval '180 days') AT TIME ZONE 'UTC',
                            'YYYY-MM-DD"T"HH24:MI:SS"Z"') THEN
    RAISE EXCEPTION 'audit_log: 不足 180 天的审计记录不可删除';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();

-- Persons: "id_number" now holds the sealed text ("v1:...", src/core/secret.c,
-- sealed by the store right after this migration, in its transaction); the
-- birth date for the age rules and the masked number for people are kept
-- beside it so that neither needs the key.
ALTER TABLE persons ADD COLUMN "birth" date;
ALTER TABLE persons ADD COLUMN "id_masked" text COLLATE "C";
UPDATE persons SET
  "birth" = CASE WHEN substr("id_number", 7, 8) ~ '^[0-9]{8}$'
                 THEN to_date(substr("id_number", 7, 8), 'YYYYMMDD') END,
  "id_masked" = substr("id_number", 1, 6) || '********' || substr("id_number", 15, 4)
  WHERE length("id_number") = 18 AND "id_number" NOT LIKE 'v1:%';

-- The change history showed full ID numbers: mask them (the JSON text is
-- kept as written, only the number changes).
UPDATE changes SET
  "before" = regexp_replace("before", '"id_number": "([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])"',
                            '"id_number": "\1********\2"', 'g'),
  "after" = regexp_replace("after", '"id_number": "([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])"',
                           '"id_number": "\1********\2"', 'g')
  WHERE "array" = 'persons';

-- Accounts: a lock set by the security administrator (until unlocked), and
-- the last TOTP step used (a code is accepted once).  totp_secret holds
-- the sealed base32 secret.
ALTER TABLE users ADD COLUMN "locked" boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN "totp_last_step" bigint NOT NULL DEFAULT 0;

-- migration: 4
-- Several `tuogou serve` processes on one database (issue 7): the per-IP
-- limit on failed logins is kept here, so that it counts the failures made
-- through every server.  One row per client address: the start of its
-- current window (Unix seconds) and the failures in it; no account names.
-- Rows whose window has expired are deleted as failures are added.
CREATE TABLE login_failures (
  "ip" text COLLATE "C" PRIMARY KEY,
  "window_start" bigint NOT NULL,
  "failures" bigint NOT NULL
);
CREATE INDEX login_failures_window_start ON login_failures("window_start");

-- migration: 5
-- Opening the store looks for ID numbers written in plain by other tools
-- (seal_left_plain): without an index that read every person at every
-- open.  The partial index holds only such rows (normally none); its
-- condition is the query's, term for term, so the planner uses it.
CREATE INDEX persons_plain_id_number ON persons("id")
  WHERE "id_number" IS NOT NULL AND "id_number" NOT LIKE 'v1:%'
    AND position('*' in "id_number") = 0;

-- migration: 6
-- Persons: the birth date is sealed (issue 14).  With the masked number
-- (first 6 and last 4 characters) it was the whole ID number, in clear in
-- the database and in every dump.  The clear dates move aside; the store
-- seals each one into "birth" ("v1:...", associated data
-- "persons/<id>/birth") right after this migration, in its transaction,
-- and drops "birth_clear".  The check refuses a clear date written by
-- another tool.
ALTER TABLE persons RENAME COLUMN "birth" TO "birth_clear";
ALTER TABLE persons ADD COLUMN "birth" text CHECK ("birth" LIKE 'v1:%');

-- migration: 7
-- 三员分立 (issue 14): a business account is created, given another role or
-- scope, reset or unlocked through the API only as a request of one
-- administrator that an administrator of the other kind approves
-- (src/http/api_security.c).  created_at and decided_at are Unix seconds;
-- a request left pending expires (REQUEST_TTL_SECONDS) and is then never
-- carried out.  detail: the new role and scope as JSON, never a password.
CREATE TABLE account_requests (
  "id" bigserial PRIMARY KEY,
  "kind" text NOT NULL CHECK ("kind" IN ('create', 'change', 'reset', 'unlock')),
  "username" text NOT NULL,
  "detail" text NOT NULL,
  "proposer" text NOT NULL,
  "proposer_role" text NOT NULL,
  "created_at" bigint NOT NULL,
  "status" text NOT NULL DEFAULT 'pending'
    CHECK ("status" IN ('pending', 'approved', 'rejected', 'failed')),
  "decided_by" text,
  "decided_at" bigint
);
CREATE INDEX account_requests_pending ON account_requests("created_at")
  WHERE "status" = 'pending';

-- A password made at an approval (a new account, a reset) is temporary: the
-- account changes it at its next login before any session is opened.
ALTER TABLE users ADD COLUMN "must_change_password" boolean NOT NULL DEFAULT false;

-- migration: 8
-- steps[] (issue 12): an obligation of the plan done for one
-- record; period 0 stands for null (never a year).
CREATE TABLE steps (
  "id" text COLLATE "C" PRIMARY KEY,
  "obligation" text COLLATE "C" NOT NULL,
  "subject" text COLLATE "C" NOT NULL,
  "period" bigint NOT NULL DEFAULT 0,
  "done_on" date,
  "note" text COLLATE "C",
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);
CREATE INDEX steps_obligation_subject ON steps("obligation", "subject");

-- migration: 9
-- The audit chain becomes a keyed MAC (issue 14): each record names its
-- algorithm.  Records written before are plain SHA-256 ("sha256") and still
-- verify; the store appends the first keyed record ("hmac-sm3", or
-- "hmac-sha256" where OpenSSL lacks SM3) in this migration's transaction,
-- under the audit key file (tuogou-audit.key), which is not in the database.
-- After a keyed record, an unkeyed one does not verify (src/core/audit.c).
ALTER TABLE audit_log ADD COLUMN "alg" text NOT NULL DEFAULT 'sha256'
  CHECK ("alg" IN ('sha256', 'hmac-sm3', 'hmac-sha256'));

-- migration: 10
-- Names sort by ICU's pinyin collation (src/core/collate.c) instead of
-- their GB18030 bytes: every stored key is dropped here and made again by
-- the store when it opens the database (keys missing are filled then).
UPDATE associations SET "name_pinyin" = NULL;

-- migration: 11
-- The arrays of supervision.md (五 and 六(一)): jurisdictions (GB/T 2260
-- codes), purchase of services, fees, award activities, tax exemption,
-- ratings, credit commitments, social and third-party evaluations, exit
-- cases; and the fields added to associations, units, posts and credit
-- listings (ALTER TABLE appends them; the store names its columns, so their
-- place in the table does not matter).  Money in fen, as everywhere.
CREATE TABLE jurisdictions (
  "id" text COLLATE "C" PRIMARY KEY,
  "name" text COLLATE "C" NOT NULL,
  "level" text COLLATE "C" NOT NULL,
  "parent" text COLLATE "C" REFERENCES jurisdictions("id"),
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);
CREATE TABLE service_purchases (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "unit" text COLLATE "C" REFERENCES units("id"),
  "item" text COLLATE "C",
  "catalogue_ref" text COLLATE "C",
  "amount" bigint NOT NULL DEFAULT 0,
  "signed_on" date,
  "starts_on" date,
  "ends_on" date,
  "evaluated_on" date,
  "grade" text COLLATE "C",
  "published_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);
CREATE TABLE fees (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "name" text COLLATE "C",
  "basis" text COLLATE "C",
  "standard" text COLLATE "C",
  "approved_ref" text COLLATE "C",
  "published_on" date,
  "from" date,
  "to" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);
CREATE TABLE awards (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "name" text COLLATE "C",
  "approved_ref" text COLLATE "C",
  "approved_on" date,
  "held_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);
CREATE TABLE tax_exemptions (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "ref" text COLLATE "C",
  "valid_from" date,
  "valid_to" date,
  "renewal_applied_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);
CREATE TABLE ratings (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "grade" text COLLATE "C" NOT NULL,
  "rated_on" date,
  "valid_to" date,
  "published_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);
CREATE TABLE credit_commitments (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "signed_on" date,
  "published_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);
CREATE TABLE evaluations (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "kind" text COLLATE "C" NOT NULL,
  "evaluator" text COLLATE "C",
  "on" date,
  "result" text COLLATE "C",
  "published_on" date,
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);
CREATE TABLE exit_cases (
  "id" text COLLATE "C" PRIMARY KEY,
  "association" text COLLATE "C" NOT NULL REFERENCES associations("uscc"),
  "reason" text COLLATE "C" NOT NULL,
  "opened_on" date,
  "notified_on" date,
  "decided_on" date,
  "outcome" text COLLATE "C",
  "version" bigint NOT NULL DEFAULT 1,
  "updated_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);
CREATE INDEX service_purchases_association ON service_purchases("association");
CREATE INDEX fees_association ON fees("association");
CREATE INDEX awards_association ON awards("association");
CREATE INDEX tax_exemptions_association ON tax_exemptions("association");
CREATE INDEX ratings_association ON ratings("association");
CREATE INDEX credit_commitments_association ON credit_commitments("association");
CREATE INDEX evaluations_association ON evaluations("association");
CREATE INDEX exit_cases_association ON exit_cases("association");
ALTER TABLE associations ADD COLUMN "jurisdiction" text COLLATE "C" REFERENCES jurisdictions("id");
ALTER TABLE units ADD COLUMN "jurisdiction" text COLLATE "C" REFERENCES jurisdictions("id");
ALTER TABLE posts ADD COLUMN "public_notice_on" date;
ALTER TABLE credit_listings ADD COLUMN "objection_on" date;
ALTER TABLE credit_listings ADD COLUMN "objection_decided_on" date;
ALTER TABLE credit_listings ADD COLUMN "rectified_on" date;
CREATE INDEX associations_jurisdiction ON associations("jurisdiction");
CREATE INDEX units_jurisdiction ON units("jurisdiction");
-- ==== end of issue 13 block ====

-- migration: 12
-- The county tier (六(一)): an account of the office, civil affairs, a
-- department or a unit may be scoped to a jurisdiction (it sees that
-- jurisdiction and those below it); a jurisdiction may adopt its own plan,
-- under which its records are judged (tuogou plan use FILE --jurisdiction
-- CODE; the plan table stays the register's own plan).
ALTER TABLE users ADD COLUMN "jurisdiction" text COLLATE "C" REFERENCES jurisdictions("id");
CREATE TABLE jurisdiction_plans (
  "jurisdiction" text COLLATE "C" PRIMARY KEY REFERENCES jurisdictions("id"),
  "plan_id" text COLLATE "C" NOT NULL,
  "json" text COLLATE "C" NOT NULL,
  "loaded_at" text COLLATE "C" NOT NULL DEFAULT tg_now()
);

-- migration: 13
-- The last successful login of an account (Unix seconds, 0 never), shown
-- on the users page (issue 17); set in the login's transaction.
ALTER TABLE users ADD COLUMN "last_login_at" bigint NOT NULL DEFAULT 0;

-- migration: 14
-- 催办 sent (issue 17 item 9): the office urges a supervising unit for its
-- overdue items as of a day (schema_sqlite.sql, migration 14).
CREATE TABLE urges (
  "id" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  "unit" text COLLATE "C" NOT NULL,
  "unit_name" text NOT NULL,
  "as_of" text COLLATE "C" NOT NULL,
  "message" text,
  "items" text NOT NULL,
  "n_items" bigint NOT NULL,
  "sent_by" text NOT NULL,
  "sent_by_name" text NOT NULL,
  "sent_at" text NOT NULL DEFAULT tg_now(),
  "mail_status" text NOT NULL,
  "mail_to" text,
  "mail_error" text,
  "mail_at" text,
  "acknowledged_by" text,
  "acknowledged_at" text
);
CREATE INDEX urges_unit ON urges("unit", "id");

-- migration: 15
-- Opening the store looks for ID numbers left in clear with one query for
-- both databases (store_impl.h, STORE_PLAIN_NUMBER), written once since
-- issue 16 with NOT LIKE '%*%', where migration 5's index said the last
-- term in each dialect's own words: the planner no longer matched it, and
-- every open read every person again (0.07 s at national size, for every
-- command and every server worker's first request).  The index now says
-- the query's condition, term for term.
DROP INDEX persons_plain_id_number;
CREATE INDEX persons_plain_id_number ON persons("id")
  WHERE "id_number" IS NOT NULL AND "id_number" NOT LIKE 'v1:%'
    AND "id_number" NOT LIKE '%*%';
