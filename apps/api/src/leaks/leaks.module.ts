import { Module } from '@nestjs/common';
import { ManagementModule } from '../management/management.module';
import { LeakedSecretsController } from './leaked-secrets.controller';
import { LeakedSecretsService } from './leaked-secrets.service';

/** Reports of leaked secrets (`POST /leaked-secrets`): disable the secret, tell its security contacts. */
@Module({
  imports: [ManagementModule],
  controllers: [LeakedSecretsController],
  providers: [LeakedSecretsService],
})
export class LeaksModule {}
