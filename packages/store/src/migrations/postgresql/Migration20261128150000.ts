import { Migration } from '@mikro-orm/migrations';

/** `token.issued` events list the ids of the tokens they record (`jtis`) instead of one `jti`. */
export class Migration20261128150000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`update "event" set "data" = ("data" - 'jti') || jsonb_build_object('jtis', jsonb_build_array("data" -> 'jti')) where "type" = 'token.issued' and "data" -> 'jti' is not null;`);
  }

  override async down(): Promise<void> {
    // An event of several tokens becomes an event of its first token (the others' ids are lost).
    this.addSql(`update "event" set "data" = ("data" - 'jtis') || jsonb_build_object('jti', "data" -> 'jtis' -> 0) where "type" = 'token.issued' and "data" -> 'jtis' is not null;`);
  }

}
