import { Migration } from '@mikro-orm/migrations';

export class Migration20261128014020 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "api" ("slug" varchar(63) not null, "token_lifetime_seconds" int not null, "reminder_thresholds_days" jsonb not null, "max_secret_lifetime_days" int null, "allow_never_expires" boolean not null, "max_secrets_per_account" int not null, "unused_after_days" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "api_pkey" primary key ("slug"));`);

    this.addSql(`create table "document" ("id" varchar(40) not null, "api" varchar(63) not null, "collection" varchar(63) not null, "body" jsonb not null, "created_at" timestamptz not null, constraint "document_pkey" primary key ("id"));`);
    this.addSql(`create index "document_api_collection_id_index" on "document" ("api", "collection", "id");`);

    this.addSql(`create table "event" ("id" varchar(40) not null, "api" varchar(63) null, "type" varchar(40) not null, "occurred_at" timestamptz not null, "actor" jsonb not null, "source" jsonb not null, "subject" jsonb not null, "account_id" varchar(40) null, "data" jsonb not null, "published_at" timestamptz null, constraint "event_pkey" primary key ("id"));`);
    this.addSql(`create index "event_api_id_index" on "event" ("api", "id");`);
    this.addSql(`create index "event_api_account_id_id_index" on "event" ("api", "account_id", "id");`);
    this.addSql(`create index "event_published_at_index" on "event" ("published_at");`);

    this.addSql(`create table "revocation" ("id" varchar(120) not null, "kind" varchar(10) not null, "value" varchar(100) not null, "api" varchar(63) not null, "revoked_at" timestamptz not null, "expires_at" timestamptz not null, constraint "revocation_pkey" primary key ("id"));`);
    this.addSql(`create index "revocation_expires_at_index" on "revocation" ("expires_at");`);

    this.addSql(`create table "secret" ("id" varchar(40) not null, "account_id" varchar(40) not null, "api" varchar(63) not null, "hash" varchar(64) not null, "hint" varchar(16) not null, "description" varchar(500) not null, "status" varchar(10) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "expires_at" timestamptz null, "disabled_at" timestamptz null, "last_used_at" timestamptz null, "disable_at" timestamptz null, constraint "secret_pkey" primary key ("id"));`);
    this.addSql(`create index "secret_account_id_index" on "secret" ("account_id");`);
    this.addSql(`alter table "secret" add constraint "secret_hash_unique" unique ("hash");`);

    this.addSql(`create table "service_account" ("id" varchar(40) not null, "api" varchar(63) not null, "client_id" varchar(40) not null, "name" varchar(100) not null, "description" varchar(500) not null, "scopes" jsonb not null, "status" varchar(10) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_used_at" timestamptz null, constraint "service_account_pkey" primary key ("id"));`);
    this.addSql(`alter table "service_account" add constraint "service_account_client_id_unique" unique ("client_id");`);
    this.addSql(`create index "service_account_api_id_index" on "service_account" ("api", "id");`);

    this.addSql(`create table "signing_key" ("id" varchar(40) not null, "alg" varchar(16) not null, "public_jwk" jsonb not null, "encrypted_private_key" text not null, "created_at" timestamptz not null, "retired_at" timestamptz null, constraint "signing_key_pkey" primary key ("id"));`);
  }

}
