import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AlertsModule } from './alerts/alerts.module';
import { AuthModule } from './auth/auth.module';
import { CollectionsModule } from './collections/collections.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import type { Config } from './config/env';
import { CoreModule } from './core.module';
import { ManagementModule } from './management/management.module';
import { OpsModule } from './ops/ops.module';
import { TokensModule } from './tokens/tokens.module';

/** Tessera's API. */
@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), AuthModule, TokensModule, ManagementModule, AlertsModule, OpsModule, CollectionsModule],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
