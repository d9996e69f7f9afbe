import { Module } from '@nestjs/common';
import { ApisController } from './apis.controller';
import { ApisService } from './apis.service';
import { SecretsController } from './secrets.controller';
import { SecretsService } from './secrets.service';
import { ServiceAccountsController } from './service-accounts.controller';
import { ServiceAccountsService } from './service-accounts.service';

/** APIs, service accounts and secrets: the services behind the management API and the CLI. */
@Module({
  controllers: [ApisController, ServiceAccountsController, SecretsController],
  providers: [ApisService, ServiceAccountsService, SecretsService],
  exports: [ApisService, ServiceAccountsService, SecretsService],
})
export class ManagementModule {}
