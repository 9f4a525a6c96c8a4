import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiKeyInQuery } from '../auth/access.decorators.js';
import { ReadingsCsvQuery } from './dto/reading-queries.dto.js';
import type { StoredReading } from './reading.js';
import { ReadingsService } from './readings.service.js';

export const CSV_COLUMNS = ['ts_iso', 'device_id', 'battery_pct', 'type', 'index', 'value'];

/** One CSV row per sensor value. */
export function csvRows(reading: StoredReading): unknown[][] {
  const tsIso = new Date(reading.ts * 1000).toISOString();
  return reading.sensors.map((sensor, index) => [
    tsIso,
    reading.id,
    reading.pct ?? '',
    sensor.type,
    index,
    sensor.val,
  ]);
}

@ApiTags('readings')
@Controller()
export class ReadingsCsvController {
  constructor(private readonly readings: ReadingsService) {}

  @Get('api/readings.csv')
  @ApiKeyInQuery()
  @ApiOperation({ summary: 'CSV download of the filtered readings, oldest first, streamed' })
  @ApiProduces('text/csv')
  async csv(@Query() query: ReadingsCsvQuery, @Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="readings.csv"');
    const scan = this.readings.scan(query, query.limit);
    const rows = Readable.from(
      (async function* () {
        for await (const page of scan) {
          for (const reading of page) {
            yield* csvRows(reading);
          }
        }
      })(),
    );
    // Spreadsheet formula injection: a device id starting with = + - @ is written as text.
    await pipeline(
      rows,
      stringify({ header: true, columns: CSV_COLUMNS, escape_formulas: true }),
      res,
    );
  }
}
