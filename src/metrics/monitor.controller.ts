import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MonitorService } from './monitor.service.js';

@ApiTags('monitor')
@Controller('api')
export class MonitorController {
  constructor(private readonly monitor: MonitorService) {}

  @Get('status')
  @ApiOperation({ summary: 'Overall status, components, metrics, recent events and alerts' })
  status() {
    return this.monitor.status();
  }

  @Get('metrics')
  @ApiOperation({ summary: 'The metrics of the status, alone' })
  metrics() {
    return this.monitor.getMetrics();
  }

  @Get('events')
  @ApiOperation({ summary: 'The last 50 events, newest first' })
  events() {
    return this.monitor.recentEvents(50);
  }

  @Get('export')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'Everything the monitor holds, as a JSON download' })
  export(@Res({ passthrough: true }) res: Response) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Disposition', `attachment; filename="sitewatch-export-${stamp}.json"`);
    return this.monitor.export();
  }
}
