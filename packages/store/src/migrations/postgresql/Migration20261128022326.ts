import { Migration } from '@mikro-orm/migrations';

export class Migration20261128022326 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "alert_channel" ("id" varchar(40) not null, "api" varchar(63) not null, "kind" varchar(10) not null, "target" varchar(2048) not null, "encrypted_secret" text null, "created_at" timestamptz not null, constraint "alert_channel_pkey" primary key ("id"));`);
    this.addSql(`create index "alert_channel_api_index" on "alert_channel" ("api");`);

    this.addSql(`create table "delivery" ("id" varchar(90) not null, "notification_id" varchar(40) not null, "channel_id" varchar(40) not null, "api" varchar(63) not null, "status" varchar(10) not null, "attempts" int not null, "last_error" varchar(500) null, "next_attempt_at" timestamptz not null, "delivered_at" timestamptz null, constraint "delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "delivery_status_next_attempt_at_index" on "delivery" ("status", "next_attempt_at");`);

    this.addSql(`create table "notification" ("id" varchar(40) not null, "api" varchar(63) not null, "type" varchar(40) not null, "subject_id" varchar(40) not null, "dedupe_key" varchar(120) not null, "payload" jsonb not null, "created_at" timestamptz not null, constraint "notification_pkey" primary key ("id"));`);
    this.addSql(`create index "notification_subject_id_index" on "notification" ("subject_id");`);
    this.addSql(`alter table "notification" add constraint "notification_dedupe_key_unique" unique ("dedupe_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "alert_channel" cascade;`);

    this.addSql(`drop table if exists "delivery" cascade;`);

    this.addSql(`drop table if exists "notification" cascade;`);
  }

}
