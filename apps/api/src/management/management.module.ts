import { Module } from '@nestjs/common';
import { ActivityController } from './activity.controller';
import { ActivityService } from './activity.service';
import { AlertChannelsController } from './alert-channels.controller';
import { AlertChannelsService } from './alert-channels.service';
import { ApisController } from './apis.controller';
import { ApisService } from './apis.service';
import { SecretsController } from './secrets.controller';
import { SecretsService } from './secrets.service';
import { ServiceAccountsController } from './service-accounts.controller';
import { ServiceAccountsService } from './service-accounts.service';

/** APIs, service accounts, secrets and activity: the services behind the management API and the CLI. */
@Module({
  controllers: [ApisController, ServiceAccountsController, SecretsController, ActivityController, AlertChannelsController],
  providers: [ApisService, ServiceAccountsService, SecretsService, ActivityService, AlertChannelsService],
  exports: [ApisService, ServiceAccountsService, SecretsService],
})
export class ManagementModule {}
