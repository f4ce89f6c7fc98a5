-- tuogou SQLite schema: versioned migrations.
--
-- Each migration starts with a line "-- migration: N" and runs once, in one
-- transaction, recorded in PRAGMA user_version.  Never edit a migration that
-- has shipped: add the next one below it.
--
-- Tables mirror the bundle arrays (bundle.md) column for column, in the
-- order of the schema table (src/core/schema.c); nested objects are
-- flattened (scope_override_in_scope, approval_kind ...).  A unit test
-- checks that the columns and the schema table agree.  Dates are TEXT
-- 'YYYY-MM-DD' so that the sqlite3 shell shows what an official reads;
-- money is INTEGER fen (0.01 yuan), never floating point; booleans are 0/1;
-- enums are their English keys.  Every row carries a version for optimistic
-- concurrency and the time of its last change.

-- migration: 1
CREATE TABLE meta (
  "key" TEXT PRIMARY KEY,
  "value" TEXT NOT NULL
) STRICT;

-- The plan the register is run under (docs/plan-format.md), as loaded.
CREATE TABLE plan (
  "id" INTEGER PRIMARY KEY CHECK ("id" = 1),
  "plan_id" TEXT NOT NULL,
  "json" TEXT NOT NULL,
  "loaded_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE batches (
  "id" TEXT PRIMARY KEY,
  "name" TEXT,
  "due" TEXT CHECK ("due" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE units (
  "id" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "function_list_on" TEXT CHECK ("function_list_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE associations (
  "uscc" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL,
  "level" TEXT NOT NULL,
  "member_basis" TEXT,
  "registered_on" TEXT NOT NULL CHECK ("registered_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "deregistered_on" TEXT CHECK ("deregistered_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "unit" TEXT REFERENCES units("id"),
  "link" TEXT,
  "link_cancelled_on" TEXT CHECK ("link_cancelled_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "scope_override_in_scope" INTEGER,
  "scope_override_reason" TEXT,
  "batch" TEXT,
  "plan_submitted_on" TEXT CHECK ("plan_submitted_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "decoupled_on" TEXT CHECK ("decoupled_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "audit_report_on" TEXT CHECK ("audit_report_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "report_submitted_on" TEXT CHECK ("report_submitted_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "accepted_on" TEXT CHECK ("accepted_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "independent_account_on" TEXT CHECK ("independent_account_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "asset_inventory_on" TEXT CHECK ("asset_inventory_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "party_org" INTEGER NOT NULL DEFAULT 0,
  "party_transferred_on" TEXT CHECK ("party_transferred_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "charter_filed_on" TEXT CHECK ("charter_filed_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "staffing_quota" INTEGER NOT NULL DEFAULT 0,
  "staffing_quota_cancelled_on" TEXT CHECK ("staffing_quota_cancelled_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE persons (
  "id" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL,
  "id_number" TEXT,
  "civil_servant" INTEGER NOT NULL DEFAULT 0,
  "leading_cadre" INTEGER NOT NULL DEFAULT 0,
  "unit" TEXT REFERENCES units("id"),
  "retired_on" TEXT CHECK ("retired_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "left_public_service_on" TEXT CHECK ("left_public_service_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE posts (
  "id" TEXT PRIMARY KEY,
  "person" TEXT NOT NULL REFERENCES persons("id"),
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "role" TEXT NOT NULL,
  "legal_representative" INTEGER NOT NULL DEFAULT 0,
  "from" TEXT NOT NULL CHECK ("from" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "to" TEXT CHECK ("to" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "recommended_by_unit" INTEGER NOT NULL DEFAULT 0,
  "paid" INTEGER NOT NULL DEFAULT 0,
  "approval_kind" TEXT,
  "approval_ref" TEXT,
  "approval_on" TEXT CHECK ("approval_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "departure_audit_on" TEXT CHECK ("departure_audit_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE staff (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "name" TEXT,
  "from" TEXT NOT NULL CHECK ("from" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "to" TEXT CHECK ("to" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "labor_contract_on" TEXT CHECK ("labor_contract_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "social_insurance_on" TEXT CHECK ("social_insurance_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE premises (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "address" TEXT,
  "owner" TEXT NOT NULL,
  "area" REAL NOT NULL,
  "approved_area" REAL,
  "co_located_with_unit" INTEGER NOT NULL DEFAULT 0,
  "from" TEXT NOT NULL CHECK ("from" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "to" TEXT CHECK ("to" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE assets (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "name" TEXT,
  "state_owned" INTEGER NOT NULL DEFAULT 0,
  "value" INTEGER NOT NULL DEFAULT 0,
  "from" TEXT NOT NULL CHECK ("from" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "to" TEXT CHECK ("to" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "registered_on" TEXT CHECK ("registered_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE appropriations (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "year" INTEGER NOT NULL,
  "kind" TEXT NOT NULL,
  "amount" INTEGER NOT NULL DEFAULT 0,
  "on" TEXT NOT NULL CHECK ("on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "purchase_item" TEXT,
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE functions (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "unit" TEXT REFERENCES units("id"),
  "name" TEXT,
  "disposition" TEXT NOT NULL,
  "stripped_on" TEXT CHECK ("stripped_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "legal_basis" TEXT,
  "purchase_ref" TEXT,
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE unit_tasks (
  "id" TEXT PRIMARY KEY,
  "unit" TEXT NOT NULL REFERENCES units("id"),
  "task" TEXT,
  "clause" TEXT,
  "higher_level_doc_on" TEXT CHECK ("higher_level_doc_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "issued_on" TEXT CHECK ("issued_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "published_on" TEXT CHECK ("published_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE elections (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "body" TEXT NOT NULL,
  "on" TEXT NOT NULL CHECK ("on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "term_years" INTEGER NOT NULL,
  "contested" INTEGER NOT NULL DEFAULT 0,
  "secret_ballot" INTEGER NOT NULL DEFAULT 0,
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE annual_reports (
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "year" INTEGER NOT NULL,
  "submitted_on" TEXT CHECK ("submitted_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  PRIMARY KEY ("association", "year")
) STRICT;

CREATE TABLE foreign_approvals (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "on" TEXT NOT NULL CHECK ("on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "approver_unit" TEXT REFERENCES units("id"),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

CREATE TABLE credit_listings (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "list" TEXT NOT NULL,
  "on" TEXT NOT NULL CHECK ("on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "reason" TEXT,
  "removed_on" TEXT CHECK ("removed_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

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
-- sort key.  Times used for expiry arithmetic are INTEGER Unix seconds;
-- times people read are TEXT 'YYYY-MM-DDTHH:MM:SSZ'.

-- The register's generation: bumped by every write transaction, so that a
-- server can tell its cached findings are stale with one read.
INSERT INTO meta ("key", "value") VALUES ('generation', '0')
  ON CONFLICT ("key") DO NOTHING;

-- Pinyin sort key of the name (set by the store; ICU since migration 10).
ALTER TABLE associations ADD COLUMN "name_pinyin" BLOB;
CREATE INDEX associations_name_pinyin ON associations("name_pinyin");
CREATE INDEX associations_batch ON associations("batch");
CREATE INDEX associations_registered_on ON associations("registered_on");

CREATE TABLE users (
  "id" INTEGER PRIMARY KEY,
  "username" TEXT NOT NULL UNIQUE,
  "display_name" TEXT,
  "role" TEXT NOT NULL CHECK ("role" IN ('office', 'civil_affairs', 'unit', 'department',
                                         'association', 'sysadmin', 'secadmin', 'auditor')),
  "unit" TEXT REFERENCES units("id"),
  "association" TEXT REFERENCES associations("uscc"),
  "department" TEXT CHECK ("department" IS NULL OR "department" IN
                           ('finance', 'offices', 'organization', 'staffing', 'audit', 'price')),
  "password_hash" TEXT NOT NULL,          -- Argon2id, crypto_pwhash_str format
  "failed_count" INTEGER NOT NULL DEFAULT 0,
  "locked_until" INTEGER NOT NULL DEFAULT 0,
  "totp_secret" TEXT,
  "created_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  CHECK (("role" = 'unit') = ("unit" IS NOT NULL)),
  CHECK (("role" = 'association') = ("association" IS NOT NULL)),
  CHECK (("role" = 'department') = ("department" IS NOT NULL))
) STRICT;

-- A session is known only by the SHA-256 of its token (hex).
CREATE TABLE sessions (
  "token_hash" TEXT PRIMARY KEY,
  "user" INTEGER NOT NULL REFERENCES users("id") ON DELETE CASCADE,
  "csrf_token" TEXT NOT NULL,
  "created_at" INTEGER NOT NULL,
  "last_seen" INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions("user");

-- Evidence files (佐证材料): the bytes live under var/evidence/ with a
-- generated name; path is that name, never anything a client sent.
CREATE TABLE evidence (
  "id" INTEGER PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "rule" TEXT,
  "subject" TEXT,
  "name" TEXT NOT NULL,
  "content_type" TEXT NOT NULL,
  "size" INTEGER NOT NULL,
  "sha256" TEXT NOT NULL,
  "path" TEXT NOT NULL UNIQUE,
  "uploaded_by" TEXT NOT NULL,
  "uploaded_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE INDEX evidence_association ON evidence("association", "rule", "subject");

-- The history of every change: one row per record written (before and
-- after as bundle JSON, null for a creation), one row per bulk import.
CREATE TABLE changes (
  "id" INTEGER PRIMARY KEY,
  "at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  "user" TEXT NOT NULL,
  "array" TEXT NOT NULL,
  "key" TEXT,
  "association" TEXT,                      -- the association the record belongs to
  "before" TEXT,
  "after" TEXT
) STRICT;
CREATE INDEX changes_association ON changes("association", "id");

-- Substring search on names: trigram FTS5, rowid = associations.rowid,
-- uscc stored so that a lookup never depends on the rowid.
CREATE VIRTUAL TABLE association_names USING fts5(name, uscc UNINDEXED, tokenize = 'trigram');
INSERT INTO association_names (rowid, name, uscc) SELECT rowid, "name", "uscc" FROM associations;
CREATE TRIGGER associations_names_insert AFTER INSERT ON associations BEGIN
  INSERT INTO association_names (rowid, name, uscc) VALUES (new.rowid, new."name", new."uscc");
END;
CREATE TRIGGER associations_names_update AFTER UPDATE OF "name", "uscc" ON associations BEGIN
  DELETE FROM association_names WHERE rowid = old.rowid;
  INSERT INTO association_names (rowid, name, uscc) VALUES (new.rowid, new."name", new."uscc");
END;
CREATE TRIGGER associations_names_delete AFTER DELETE ON associations BEGIN
  DELETE FROM association_names WHERE rowid = old.rowid;
END;

-- migration: 3
-- Security (等保 2.0 level 3 at the application): the audit log, settings,
-- ID numbers sealed at rest, the second factor's bookkeeping.

-- Settings of the system administrator (sysadmin), one row per key.
CREATE TABLE settings (
  "key" TEXT PRIMARY KEY,
  "value" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  "updated_by" TEXT
) STRICT;
INSERT INTO settings ("key", "value") VALUES ('require_totp', '0');

-- The audit log: a hash chain (src/core/audit.c).  prev and hash are hex
-- SHA-256; the head of the chain (audit_head_seq, audit_head_hash) and, after
-- a purge, the anchor (audit_anchor_seq, audit_anchor_hash: the last purged
-- record) are kept in meta.  Records are never changed, and removed only by
-- `tuogou audit purge` once older than 180 days: the triggers refuse the rest.
CREATE TABLE audit_log (
  "seq" INTEGER PRIMARY KEY,
  "at" TEXT NOT NULL,
  "user" TEXT,
  "role" TEXT,
  "ip" TEXT,
  "event" TEXT NOT NULL,
  "object" TEXT,
  "outcome" TEXT NOT NULL,
  "before" TEXT,
  "after" TEXT,
  "prev" TEXT NOT NULL,
  "hash" TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_at ON audit_log("at");
CREATE INDEX audit_log_user ON audit_log("user", "seq");
CREATE INDEX audit_log_event ON audit_log("event", "seq");
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log: 审计记录不可修改');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  WHEN old."at" >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-180 days') BEGIN
  SELECT RAISE(ABORT, 'audit_log: 不足 180 天的审计记录不可删除');
END;

-- Persons: "id_number" now holds the sealed text ("v1:...", src/core/secret.c,
-- sealed by the store right after this migration, in its transaction); the
-- birth date for the age rules and the masked number for people are kept
-- beside it so that neither needs the key.
ALTER TABLE persons ADD COLUMN "birth" TEXT
  CHECK ("birth" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE persons ADD COLUMN "id_masked" TEXT;
UPDATE persons SET
  "birth" = substr("id_number", 7, 4) || '-' || substr("id_number", 11, 2) || '-' ||
            substr("id_number", 13, 2),
  "id_masked" = substr("id_number", 1, 6) || '********' || substr("id_number", 15, 4)
  WHERE length("id_number") = 18 AND "id_number" NOT LIKE 'v1:%';

-- The change history showed full ID numbers: mask them.
UPDATE changes SET "before" = json_set("before", '$.id_number',
    substr(json_extract("before", '$.id_number'), 1, 6) || '********' ||
    substr(json_extract("before", '$.id_number'), 15, 4))
  WHERE "array" = 'persons' AND json_valid("before") AND
        length(json_extract("before", '$.id_number')) = 18;
UPDATE changes SET "after" = json_set("after", '$.id_number',
    substr(json_extract("after", '$.id_number'), 1, 6) || '********' ||
    substr(json_extract("after", '$.id_number'), 15, 4))
  WHERE "array" = 'persons' AND json_valid("after") AND
        length(json_extract("after", '$.id_number')) = 18;

-- Accounts: a lock set by the security administrator (until unlocked), and
-- the last TOTP step used (a code is accepted once).  totp_secret holds
-- the sealed base32 secret.
ALTER TABLE users ADD COLUMN "locked" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN "totp_last_step" INTEGER NOT NULL DEFAULT 0;

-- migration: 4
-- Several `tuogou serve` processes on one database (issue 7): the per-IP
-- limit on failed logins is kept here, so that it counts the failures made
-- through every server.  One row per client address: the start of its
-- current window (Unix seconds) and the failures in it; no account names.
-- Rows whose window has expired are deleted as failures are added.
CREATE TABLE login_failures (
  "ip" TEXT PRIMARY KEY,
  "window_start" INTEGER NOT NULL,
  "failures" INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_window_start ON login_failures("window_start");

-- migration: 5
-- Opening the store looks for ID numbers written in plain by other tools
-- (seal_left_plain): without an index that read every person, 0.1 s at
-- national size for every command and every server worker.  The partial
-- index holds only such rows (normally none), so the look is one probe.
-- Its condition is the query's, term for term, so the planner uses it.
CREATE INDEX persons_plain_id_number ON persons("id")
  WHERE "id_number" IS NOT NULL AND "id_number" NOT LIKE 'v1:%'
    AND instr("id_number", '*') = 0;

-- migration: 6
-- Persons: the birth date is sealed (issue 14).  With the masked number
-- (first 6 and last 4 characters) it was the whole ID number, in clear in
-- the file and in every backup.  The clear dates move aside; the store
-- seals each one into "birth" ("v1:...", associated data
-- "persons/<id>/birth") right after this migration, in its transaction,
-- and drops "birth_clear".  The check refuses a clear date written by
-- another tool.
ALTER TABLE persons RENAME COLUMN "birth" TO "birth_clear";
ALTER TABLE persons ADD COLUMN "birth" TEXT CHECK ("birth" GLOB 'v1:*');

-- migration: 7
-- 三员分立 (issue 14): a business account is created, given another role or
-- scope, reset or unlocked through the API only as a request of one
-- administrator that an administrator of the other kind approves
-- (src/http/api_security.c).  created_at and decided_at are Unix seconds;
-- a request left pending expires (REQUEST_TTL_SECONDS) and is then never
-- carried out.  detail: the new role and scope as JSON, never a password.
CREATE TABLE account_requests (
  "id" INTEGER PRIMARY KEY,
  "kind" TEXT NOT NULL CHECK ("kind" IN ('create', 'change', 'reset', 'unlock')),
  "username" TEXT NOT NULL,
  "detail" TEXT NOT NULL,
  "proposer" TEXT NOT NULL,
  "proposer_role" TEXT NOT NULL,
  "created_at" INTEGER NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending'
    CHECK ("status" IN ('pending', 'approved', 'rejected', 'failed')),
  "decided_by" TEXT,
  "decided_at" INTEGER
) STRICT;
CREATE INDEX account_requests_pending ON account_requests("created_at")
  WHERE "status" = 'pending';

-- A password made at an approval (a new account, a reset) is temporary: the
-- account changes it at its next login before any session is opened.
ALTER TABLE users ADD COLUMN "must_change_password" INTEGER NOT NULL DEFAULT 0;

-- migration: 8
-- steps[] of the bundle (obligations.md): an obligation of the plan done
-- for one record.  obligation and subject are checked against the plan in
-- force, not by foreign keys (the plan is not a table).  period is the
-- year of a yearly obligation; the store keeps 0 for null (never a year).
CREATE TABLE steps (
  "id" TEXT PRIMARY KEY,
  "obligation" TEXT NOT NULL,
  "subject" TEXT NOT NULL,
  "period" INTEGER NOT NULL DEFAULT 0,
  "done_on" TEXT CHECK ("done_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "note" TEXT,
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE INDEX steps_obligation_subject ON steps("obligation", "subject");

-- migration: 9
-- The audit chain becomes a keyed MAC (issue 14): each record names its
-- algorithm.  Records written before are plain SHA-256 ("sha256") and still
-- verify; the store appends the first keyed record ("hmac-sm3", or
-- "hmac-sha256" where OpenSSL lacks SM3) in this migration's transaction,
-- under the audit key file (tuogou-audit.key), which is not in the database.
-- After a keyed record, an unkeyed one does not verify (src/core/audit.c).
ALTER TABLE audit_log ADD COLUMN "alg" TEXT NOT NULL DEFAULT 'sha256'
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
  "id" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL,
  "level" TEXT NOT NULL,
  "parent" TEXT REFERENCES jurisdictions("id"),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE TABLE service_purchases (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "unit" TEXT REFERENCES units("id"),
  "item" TEXT,
  "catalogue_ref" TEXT,
  "amount" INTEGER NOT NULL DEFAULT 0,
  "signed_on" TEXT CHECK ("signed_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "starts_on" TEXT CHECK ("starts_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "ends_on" TEXT CHECK ("ends_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "evaluated_on" TEXT CHECK ("evaluated_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "grade" TEXT,
  "published_on" TEXT CHECK ("published_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE TABLE fees (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "name" TEXT,
  "basis" TEXT,
  "standard" TEXT,
  "approved_ref" TEXT,
  "published_on" TEXT CHECK ("published_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "from" TEXT CHECK ("from" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "to" TEXT CHECK ("to" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE TABLE awards (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "name" TEXT,
  "approved_ref" TEXT,
  "approved_on" TEXT CHECK ("approved_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "held_on" TEXT CHECK ("held_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE TABLE tax_exemptions (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "ref" TEXT,
  "valid_from" TEXT CHECK ("valid_from" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "valid_to" TEXT CHECK ("valid_to" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "renewal_applied_on" TEXT CHECK ("renewal_applied_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE TABLE ratings (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "grade" TEXT NOT NULL,
  "rated_on" TEXT CHECK ("rated_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "valid_to" TEXT CHECK ("valid_to" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "published_on" TEXT CHECK ("published_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE TABLE credit_commitments (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "signed_on" TEXT CHECK ("signed_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "published_on" TEXT CHECK ("published_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE TABLE evaluations (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "kind" TEXT NOT NULL,
  "evaluator" TEXT,
  "on" TEXT CHECK ("on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "result" TEXT,
  "published_on" TEXT CHECK ("published_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE TABLE exit_cases (
  "id" TEXT PRIMARY KEY,
  "association" TEXT NOT NULL REFERENCES associations("uscc"),
  "reason" TEXT NOT NULL,
  "opened_on" TEXT CHECK ("opened_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "notified_on" TEXT CHECK ("notified_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "decided_on" TEXT CHECK ("decided_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  "outcome" TEXT,
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;
CREATE INDEX service_purchases_association ON service_purchases("association");
CREATE INDEX fees_association ON fees("association");
CREATE INDEX awards_association ON awards("association");
CREATE INDEX tax_exemptions_association ON tax_exemptions("association");
CREATE INDEX ratings_association ON ratings("association");
CREATE INDEX credit_commitments_association ON credit_commitments("association");
CREATE INDEX evaluations_association ON evaluations("association");
CREATE INDEX exit_cases_association ON exit_cases("association");
ALTER TABLE associations ADD COLUMN "jurisdiction" TEXT REFERENCES jurisdictions("id");
ALTER TABLE units ADD COLUMN "jurisdiction" TEXT REFERENCES jurisdictions("id");
ALTER TABLE posts ADD COLUMN "public_notice_on" TEXT CHECK ("public_notice_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE credit_listings ADD COLUMN "objection_on" TEXT CHECK ("objection_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE credit_listings ADD COLUMN "objection_decided_on" TEXT CHECK ("objection_decided_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE credit_listings ADD COLUMN "rectified_on" TEXT CHECK ("rectified_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
CREATE INDEX associations_jurisdiction ON associations("jurisdiction");
CREATE INDEX units_jurisdiction ON units("jurisdiction");
-- ==== end of issue 13 block ====

-- migration: 12
-- The county tier (六(一)): an account of the office, civil affairs, a
-- department or a unit may be scoped to a jurisdiction (it sees that
-- jurisdiction and those below it); a jurisdiction may adopt its own plan,
-- under which its records are judged (tuogou plan use FILE --jurisdiction
-- CODE; the plan table stays the register's own plan).
ALTER TABLE users ADD COLUMN "jurisdiction" TEXT REFERENCES jurisdictions("id");
CREATE TABLE jurisdiction_plans (
  "jurisdiction" TEXT PRIMARY KEY REFERENCES jurisdictions("id"),
  "plan_id" TEXT NOT NULL,
  "json" TEXT NOT NULL,
  "loaded_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) STRICT;

-- migration: 13
-- The last successful login of an account (Unix seconds, 0 never), shown
-- on the users page (issue 17); set in the login's transaction.
ALTER TABLE users ADD COLUMN "last_login_at" INTEGER NOT NULL DEFAULT 0;

-- migration: 14
-- 催办 sent (issue 17 item 9): the office urges a supervising unit for its
-- overdue items as of a day.  items: the items as the unit's users see
-- them (JSON array: rule, title, clause, cite, association, subject, due,
-- message); unit_name as it was on sending.  The channel is 站内 always;
-- mail_status says what became of the mail: none (mail not configured),
-- no_recipients (no to.UNIT), pending (written, not yet sent), sent,
-- failed (mail_error says why).  acknowledged_*: the unit's 签收.
CREATE TABLE urges (
  "id" INTEGER PRIMARY KEY,
  "unit" TEXT NOT NULL,
  "unit_name" TEXT NOT NULL,
  "as_of" TEXT NOT NULL,
  "message" TEXT,
  "items" TEXT NOT NULL,
  "n_items" INTEGER NOT NULL,
  "sent_by" TEXT NOT NULL,
  "sent_by_name" TEXT NOT NULL,
  "sent_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  "mail_status" TEXT NOT NULL,
  "mail_to" TEXT,
  "mail_error" TEXT,
  "mail_at" TEXT,
  "acknowledged_by" TEXT,
  "acknowledged_at" TEXT
) STRICT;
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
