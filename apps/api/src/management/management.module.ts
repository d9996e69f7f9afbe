import { Module } from '@nestjs/common';
import { ActivityController } from './activity.controller';
import { ActivityService } from './activity.service';
import { ApisController } from './apis.controller';
import { ApisService } from './apis.service';
import { SecretsController } from './secrets.controller';
import { SecretsService } from './secrets.service';
import { ServiceAccountsController } from './service-accounts.controller';
import { ServiceAccountsService } from './service-accounts.service';

/** APIs, service accounts, secrets and activity: the services behind the management API and the CLI. */
@Module({
  controllers: [ApisController, ServiceAccountsController, SecretsController, ActivityController],
  providers: [ApisService, ServiceAccountsService, SecretsService, ActivityService],
  exports: [ApisService, ServiceAccountsService, SecretsService],
})
export class ManagementModule {}
