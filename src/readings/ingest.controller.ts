import {
  Body,
  Controller,
  ForbiddenException,
  HttpCode,
  Post,
  Req,
  UseFilters,
} from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeviceAuth } from '../auth/access.decorators.js';
import type { DeviceRequest } from '../auth/device-auth.guard.js';
import { DeviceTokensService } from '../auth/device-tokens.service.js';
import { badRequest } from '../common/field-errors.js';
import { ReceiveReadingDto } from './dto/receive-reading.dto.js';
import { IngestRejectionFilter } from './ingest-rejection.filter.js';
import { ReadingWriter } from './reading-writer.js';
import { checkReading } from './reading-validation.js';
import type { ReadingInput, StoredReading } from './reading.js';

export const MAX_BATCH = 1000;

/** HTTP ingest: gas handhelds post one document, gateways that buffered post a batch. */
@ApiTags('readings')
@Controller()
@UseFilters(IngestRejectionFilter)
@DeviceAuth()
export class IngestController {
  constructor(
    private readonly writer: ReadingWriter,
    private readonly tokens: DeviceTokensService,
  ) {}

  @Post('receive-json')
  @HttpCode(201)
  @ApiOperation({ summary: 'Store one reading document; answers once it is committed' })
  @ApiBody({ type: ReceiveReadingDto })
  @ApiCreatedResponse({ description: 'the stored reading' })
  async receive(@Body() body: unknown, @Req() req: DeviceRequest): Promise<StoredReading> {
    // checkReading rather than the global pipe: it bounds the nesting depth before
    // class-transformer recurses, so a deeply nested body is a 400, not a stack overflow
    const check = checkReading(body);
    if (!check.ok) {
      throw badRequest(check.errors);
    }
    return (await this.store([check.reading], req))[0];
  }

  @Post('api/readings/batch')
  @HttpCode(201)
  @ApiOperation({ summary: `Store up to ${MAX_BATCH} reading documents, all or none` })
  @ApiBody({ type: [ReceiveReadingDto] })
  async receiveBatch(@Body() body: unknown, @Req() req: DeviceRequest): Promise<StoredReading[]> {
    return this.store(checkBatch(body), req);
  }

  /** In token mode, every document must be the token's device or, for a gateway, its sensor. */
  private store(readings: ReadingInput[], { device }: DeviceRequest): Promise<StoredReading[]> {
    if (device) {
      const refused = this.tokens.refusedIds(
        device,
        readings.map((reading) => reading.id),
      );
      if (refused.length > 0) {
        throw new ForbiddenException({
          statusCode: 403,
          error: 'Forbidden',
          message: `the token of ${device.deviceId} may not report readings of ${refused.slice(0, 10).join(', ')}: nothing was stored`,
        });
      }
    }
    return this.writer.write(readings, { source: 'http', gateway: device?.gateway ?? null });
  }
}

/** Validates a batch as a whole: one bad document rejects it, naming each bad field by index. */
function checkBatch(body: unknown): ReadingInput[] {
  if (!Array.isArray(body)) {
    throw badRequest([
      { field: 'body', message: 'a batch must be a JSON array of reading documents' },
    ]);
  }
  if (body.length < 1 || body.length > MAX_BATCH) {
    throw badRequest([
      { field: 'body', message: `a batch holds 1 to ${MAX_BATCH} documents, not ${body.length}` },
    ]);
  }
  const readings: ReadingInput[] = [];
  const errors = body.flatMap((item, index) => {
    const check = checkReading(item, String(index));
    if (check.ok) {
      readings.push(check.reading);
      return [];
    }
    return check.errors;
  });
  if (errors.length > 0) {
    throw badRequest(errors.slice(0, 100), 'Invalid batch: nothing was stored');
  }
  return readings;
}
