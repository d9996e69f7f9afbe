import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { BearerGuard } from './bearer.guard';
import { BearerStrategy } from './bearer.strategy';

/** The bearer strategy and guard that protected routes use (`@RequireToken`). */
@Global()
@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [BearerStrategy, BearerGuard],
  exports: [BearerGuard, PassportModule],
})
export class AuthModule {}
