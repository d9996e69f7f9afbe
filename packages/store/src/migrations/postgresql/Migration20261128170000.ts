import { Migration } from '@mikro-orm/migrations';
import { fillAccountNameKeys } from '../account-name-keys';

/**
 * Service-account names are unique per API, compared by `accountNameKey` (letter case, Unicode
 * form and invisible characters ignored). Existing accounts that share a name are renamed, the oldest keeping it.
 */
export class Migration20261128170000 extends Migration {

  override async up(): Promise<void> {
    await this.execute(`alter table "service_account" add column "name_key" text null;`);
    await fillAccountNameKeys((sql, params) => this.execute(sql, params));
    this.addSql(`alter table "service_account" alter column "name_key" set not null;`);
    this.addSql(`alter table "service_account" add constraint "service_account_api_name_key_unique" unique ("api", "name_key");`);
  }

  override async down(): Promise<void> {
    // Accounts renamed by `up` keep their new names.
    this.addSql(`alter table "service_account" drop constraint "service_account_api_name_key_unique";`);
    this.addSql(`alter table "service_account" drop column "name_key";`);
  }

}
