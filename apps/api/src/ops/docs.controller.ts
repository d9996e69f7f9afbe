import { Controller, Get } from '@nestjs/common';
import { ApiDoc } from './api-doc.decorator';
import { OpenApiService } from './openapi.service';

/** The OpenAPI 3.1 document of every route, at `/docs` and `/docs/openapi.json`. */
@Controller('docs')
export class DocsController {
  constructor(private readonly openapi: OpenApiService) {}

  @Get()
  @ApiDoc({ summary: 'This OpenAPI document', tag: 'operations', responses: { 200: null } })
  document(): Record<string, unknown> {
    return this.openapi.build();
  }

  @Get('openapi.json')
  @ApiDoc({ summary: 'This OpenAPI document', tag: 'operations', responses: { 200: null } })
  json(): Record<string, unknown> {
    return this.openapi.build();
  }
}
