import { Migration } from '@mikro-orm/migrations';
import { fillAccountNameKeys } from '../account-name-keys';

/**
 * Service-account names are unique per API, compared by `accountNameKey` (letter case, Unicode
 * form and invisible characters ignored). Existing accounts that share a name are renamed, the oldest keeping it.
 */
export class Migration20261128170000 extends Migration {

  override async up(): Promise<void> {
    // SQLite adds a NOT NULL column only with a default; every row is then given its key.
    await this.execute(`alter table \`service_account\` add column \`name_key\` text not null default '';`);
    await fillAccountNameKeys((sql, params) => this.execute(sql, params));
    this.addSql(`create unique index \`service_account_api_name_key_unique\` on \`service_account\` (\`api\`, \`name_key\`);`);
  }

  override async down(): Promise<void> {
    // Accounts renamed by `up` keep their new names.
    this.addSql(`drop index \`service_account_api_name_key_unique\`;`);
    this.addSql(`alter table \`service_account\` drop column \`name_key\`;`);
  }

}
