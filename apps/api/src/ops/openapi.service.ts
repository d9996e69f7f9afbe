import { Inject, Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ErrorResponse, OAuthErrorResponse } from '@tessera/contracts';
import { CONFIG } from '../common/tokens';
import type { Config } from '../config/env';
import { API_DOC, jsonSchemaOf, type JsonSchema, type RouteDoc } from './api-doc.decorator';

/** A route as Nest registered it, with its documentation (null when undocumented). */
export interface DiscoveredRoute {
  readonly method: string;
  readonly path: string;
  readonly doc: RouteDoc | null;
}

/**
 * Builds the OpenAPI 3.1 document from the routes Nest actually registered and the zod contract
 * schemas each route declares with `@ApiDoc` — the same schemas its pipes validate with — so the
 * document cannot drift from the code.
 */
@Injectable()
export class OpenApiService {
  private document: JsonSchema | null = null;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  routes(): DiscoveredRoute[] {
    const routes: DiscoveredRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || !wrapper.metatype) continue;
      const base = String(this.reflector.get<string>(PATH_METADATA, wrapper.metatype) ?? '');
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        const path = this.reflector.get<string | undefined>(PATH_METADATA, handler);
        const method = this.reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
        if (path === undefined || method === undefined) continue;
        const full = `/${[base, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
        routes.push({ method: RequestMethod[method], path: full, doc: this.reflector.get<RouteDoc | undefined>(API_DOC, handler) ?? null });
      }
    }
    return routes;
  }

  build(): JsonSchema {
    if (this.document) return this.document;
    const paths: Record<string, Record<string, JsonSchema>> = {};
    for (const route of this.routes()) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      const doc = route.doc;
      const operation: JsonSchema = { summary: doc?.summary ?? route.path, tags: [doc?.tag ?? 'other'], parameters: [...params] };
      if (doc?.query) {
        const query = jsonSchemaOf(doc.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
        for (const [name, { description, ...schema }] of Object.entries(query.properties ?? {})) {
          // A field's description is the parameter's, where OpenAPI readers show it.
          (operation.parameters as JsonSchema[]).push({ name, in: 'query', required: query.required?.includes(name) ?? false, ...(description ? { description } : {}), schema });
        }
      }
      if (doc?.body) {
        operation.requestBody = { required: true, content: { [doc.bodyType ?? 'application/json']: { schema: jsonSchemaOf(doc.body, 'input') } } };
      }
      const responses: Record<string, JsonSchema> = {};
      for (const [status, body] of Object.entries(doc?.responses ?? {})) {
        responses[status] = body ? { description: `HTTP ${status}`, content: { 'application/json': { schema: jsonSchemaOf(body, 'output') } } } : { description: `HTTP ${status}` };
      }
      const errorBody = doc?.auth === 'client' || route.path.startsWith('/oauth') ? OAuthErrorResponse : ErrorResponse;
      responses['4XX'] = { description: 'Client error', content: { 'application/json': { schema: jsonSchemaOf(errorBody, 'output') } } };
      operation.responses = responses;
      if (doc?.auth === 'bearer') operation.security = [{ bearer: [] }];
      if (doc?.auth === 'client') operation.security = [{ clientBasic: [] }, { clientPost: [] }];
      (paths[path] ??= {})[route.method.toLowerCase()] = operation;
      if (doc?.head && route.method === 'GET') {
        const headers = Object.fromEntries(Object.entries(responses).map(([status, response]) => [status, { description: response.description }]));
        paths[path].head = { ...operation, summary: doc.head, responses: headers };
      }
    }
    this.document = {
      openapi: '3.1.0',
      info: { title: 'Tessera', version: '0.1.0', description: 'Service accounts, client secrets and bearer tokens for machines.' },
      servers: [{ url: this.config.issuer }],
      paths,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (at+jwt)' },
          clientBasic: { type: 'http', scheme: 'basic', description: 'client_secret_basic' },
          clientPost: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: `${this.config.issuer}/oauth/token`, scopes: {} } } },
        },
      },
    };
    return this.document;
  }
}
