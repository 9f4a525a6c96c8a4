import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { badRequest } from '../common/field-errors.js';
import { ReceiveReadingDto } from './dto/receive-reading.dto.js';
import { IngestRejectionFilter } from './ingest-rejection.filter.js';
import { ReadingWriter } from './reading-writer.js';
import { checkReading, toReadingInput } from './reading-validation.js';
import type { ReadingInput, StoredReading } from './reading.js';

export const MAX_BATCH = 1000;

/** HTTP ingest: gas handhelds post one document, gateways that buffered post a batch. */
@ApiTags('readings')
@Controller()
@UseFilters(IngestRejectionFilter)
export class IngestController {
  constructor(private readonly writer: ReadingWriter) {}

  @Post('receive-json')
  @HttpCode(201)
  @ApiOperation({ summary: 'Store one reading document; answers once it is committed' })
  @ApiCreatedResponse({ description: 'the stored reading' })
  async receive(@Body() dto: ReceiveReadingDto): Promise<StoredReading> {
    const [stored] = await this.writer.write([toReadingInput(dto)], {
      source: 'http',
      gateway: null,
    });
    return stored;
  }

  @Post('api/readings/batch')
  @HttpCode(201)
  @ApiOperation({ summary: `Store up to ${MAX_BATCH} reading documents, all or none` })
  @ApiBody({ type: [ReceiveReadingDto] })
  async receiveBatch(@Body() body: unknown): Promise<StoredReading[]> {
    return this.writer.write(checkBatch(body), { source: 'http', gateway: null });
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
