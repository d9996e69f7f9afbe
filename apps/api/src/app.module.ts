import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AlertsModule } from './alerts/alerts.module';
import { AuthModule } from './auth/auth.module';
import { CollectionsModule } from './collections/collections.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import type { OpenConnections } from './common/open-connections';
import type { Config } from './config/env';
import { CoreModule } from './core.module';
import { LeaksModule } from './leaks/leaks.module';
import { ManagementModule } from './management/management.module';
import { OpsModule } from './ops/ops.module';
import { TokensModule } from './tokens/tokens.module';

/** Tessera's API; `connections` receives what it opens (see `OpenConnections.closedOnFailure`). */
@Module({})
export class AppModule {
  static forRoot(config: Config, connections: OpenConnections): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, connections), AuthModule, TokensModule, ManagementModule, LeaksModule, AlertsModule, OpsModule, CollectionsModule],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
