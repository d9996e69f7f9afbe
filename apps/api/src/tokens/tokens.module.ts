import { Module } from '@nestjs/common';
import { CredentialCache } from './credential-cache';
import { OAuthController } from './oauth.controller';
import { SeedTokenController } from './seed-token.controller';
import { TokenIntrospection } from './token-introspection.service';
import { TokenService } from './token.service';
import { WellKnownController } from './well-known.controller';

/** Token issuance, introspection, revocation and discovery. */
@Module({
  controllers: [SeedTokenController, OAuthController, WellKnownController],
  providers: [TokenService, TokenIntrospection, CredentialCache],
  exports: [TokenService],
})
export class TokensModule {}
