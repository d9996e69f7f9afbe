import { Module } from '@nestjs/common';
import { ApisService } from './apis.service';
import { SecretsService } from './secrets.service';
import { ServiceAccountsService } from './service-accounts.service';

/** APIs, service accounts and secrets: the services behind the management API and the CLI. */
@Module({
  providers: [ApisService, ServiceAccountsService, SecretsService],
  exports: [ApisService, ServiceAccountsService, SecretsService],
})
export class ManagementModule {}
