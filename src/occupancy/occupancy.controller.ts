import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { classicLine } from './activity-text.js';
import { ActivityService } from './activity.service.js';
import { ActivityQuery, ActivityTextQuery } from './dto/activity-query.dto.js';
import { CorrectOccupancyDto } from './dto/correct-occupancy.dto.js';
import type { ActivityEntry } from './facility-actions.js';
import { type OccupancySnapshot, OccupancyService } from './occupancy.service.js';

@ApiTags('occupancy')
@Controller('api')
export class OccupancyController {
  constructor(
    private readonly occupancy: OccupancyService,
    private readonly activity: ActivityService,
  ) {}

  @Get('occupancy')
  @ApiOperation({ summary: 'Current occupancy, capacity, peak of the day (server local time)' })
  current(): Promise<OccupancySnapshot> {
    return this.occupancy.snapshot();
  }

  @Post('occupancy')
  @HttpCode(200)
  @ApiSecurity('api-key')
  @ApiOperation({
    summary: 'Correct the count (admin): logged with its reason, exact among device commands',
  })
  @ApiOkResponse({ description: 'the occupancy right after the correction, as GET gives it' })
  @ApiBadRequestResponse({ description: 'occupancy or reason missing or out of bounds' })
  correct(@Body() dto: CorrectOccupancyDto): Promise<OccupancySnapshot> {
    return this.occupancy.correct(dto.occupancy, dto.reason);
  }

  @Get('activity')
  @ApiOperation({ summary: 'Activity log rows, newest first' })
  recent(@Query() query: ActivityQuery): Promise<ActivityEntry[]> {
    return this.activity.recent(query, query.limit);
  }

  @Get('activity.txt')
  @ApiOperation({ summary: 'The activity log in the classic text format, oldest first, streamed' })
  @ApiProduces('text/plain')
  async text(@Query() query: ActivityTextQuery, @Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    const pages = this.activity.scan(query, query.limit);
    const lines = Readable.from(
      (async function* () {
        for await (const page of pages) {
          yield page
            .map((entry) => `${classicLine(entry.at, entry.text, entry.occupancy)}\n`)
            .join('');
        }
      })(),
    );
    await pipeline(lines, res);
  }
}
