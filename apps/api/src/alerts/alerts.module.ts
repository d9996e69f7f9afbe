import { Module } from '@nestjs/common';
import { RemindersService } from './reminders.service';

/** Expiry reminders and alerts, run in this process when the worker is embedded. */
@Module({ providers: [RemindersService], exports: [RemindersService] })
export class AlertsModule {}
