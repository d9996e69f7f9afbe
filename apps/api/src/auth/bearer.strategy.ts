import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-http-bearer';
import { BearerException } from '../common/http-errors';
import type { Principal } from './principal';
import { TokenVerifier } from './token-verifier.service';

/** passport-http-bearer strategy: reads the bearer token, verifies it with TokenVerifier. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly verifier: TokenVerifier) {
    super({ passReqToCallback: true });
  }

  async validate(request: FastifyRequest, token: string): Promise<Principal> {
    // Tokens in URLs end up in logs and caches (RFC 6750 §5.3): only the header is accepted.
    if (!/^bearer\s/i.test(request.headers.authorization ?? '')) {
      throw new BearerException('invalid_request', 'Send the access token in the Authorization header.');
    }
    const verification = this.verifier.verifyCached(token) ?? (await this.verifier.verifyUncached(token));
    if (!verification.ok) throw new BearerException('invalid_token', verification.description);
    return verification;
  }
}
