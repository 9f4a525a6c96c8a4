import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DeviceFilterPipe } from './device-filter.pipe.js';
import {
  type DeviceFilter,
  FromTimestampQuery,
  ReadingsPageQuery,
  SeriesQuery,
} from './dto/reading-queries.dto.js';
import type { StoredReading } from './reading.js';
import { type ReadingsPage, ReadingsService } from './readings.service.js';
import type { Series } from './series.js';

@ApiTags('readings')
@Controller()
export class ReadingsController {
  constructor(private readonly readings: ReadingsService) {}

  @Get('get-last-entity')
  @ApiOperation({ summary: 'The newest reading by ts (of one device with ?id=)' })
  @ApiQuery({
    name: 'id',
    type: String,
    required: false,
    description: 'device id, 1–128 characters',
  })
  lastEntity(@Query(DeviceFilterPipe) query: DeviceFilter): Promise<StoredReading> {
    return this.readings.latest(query.id);
  }

  @Get('get-data-from-timestamp')
  @ApiOperation({
    summary: 'Readings with ts >= system_time, oldest first; Link rel="next" when capped',
  })
  async fromTimestamp(
    @Query() query: FromTimestampQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StoredReading[]> {
    const rows = await this.readings.since(
      query.system_time,
      query.limit + 1,
      query.id,
      query.after,
    );
    if (rows.length > query.limit) {
      rows.length = query.limit;
      const last = rows[rows.length - 1];
      const next = new URLSearchParams({
        system_time: String(last.ts),
        after: String(last.readingId),
        limit: String(query.limit),
      });
      if (query.id !== undefined) {
        next.set('id', query.id);
      }
      res.setHeader('Link', `<${req.path}?${next}>; rel="next"`);
    }
    return rows;
  }

  @Get('api/readings')
  @ApiOperation({
    summary: 'History, newest first, in pages; pass nextCursor as cursor for the next',
  })
  page(@Query() query: ReadingsPageQuery): Promise<ReadingsPage> {
    return this.readings.page(query, query.limit, query.cursor);
  }

  @Get('api/readings/latest')
  @ApiOperation({ summary: 'The newest reading of each device, most recent first' })
  latestPerDevice(): Promise<StoredReading[]> {
    return this.readings.latestPerDevice();
  }

  @Get('api/readings/series')
  @ApiOperation({ summary: 'Min, max, avg and count per bucket of [from, to), for charts' })
  series(@Query() query: SeriesQuery): Promise<Series> {
    return this.readings.series(query);
  }
}
