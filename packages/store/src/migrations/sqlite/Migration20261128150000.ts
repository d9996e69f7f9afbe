import { Migration } from '@mikro-orm/migrations';

/** `token.issued` events list the ids of the tokens they record (`jtis`) instead of one `jti`. */
export class Migration20261128150000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`update \`event\` set \`data\` = json_set(json_remove(\`data\`, '$.jti'), '$.jtis', json_array(json_extract(\`data\`, '$.jti'))) where \`type\` = 'token.issued' and json_extract(\`data\`, '$.jti') is not null;`);
  }

  override async down(): Promise<void> {
    // An event of several tokens becomes an event of its first token (the others' ids are lost).
    this.addSql(`update \`event\` set \`data\` = json_set(json_remove(\`data\`, '$.jtis'), '$.jti', json_extract(\`data\`, '$.jtis[0]')) where \`type\` = 'token.issued' and json_extract(\`data\`, '$.jtis') is not null;`);
  }

}
