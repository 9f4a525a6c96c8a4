import { Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AlertsService, toAlertJson } from './alerts.service.js';
import { ListAlertsQuery } from './dto/list-alerts.query.js';

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alerts, newest first by last seen' })
  async list(@Query() query: ListAlertsQuery) {
    return (await this.alerts.list(query)).map(toAlertJson);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an alert (409 when resolved)' })
  async acknowledge(@Param('id', ParseIntPipe) id: number) {
    return toAlertJson(await this.alerts.acknowledge(id));
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve an alert (409 when already resolved)' })
  async resolve(@Param('id', ParseIntPipe) id: number) {
    return toAlertJson(await this.alerts.resolve(id));
  }
}
