import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PrometheusService } from './prometheus.service.js';

@ApiExcludeController()
@Controller()
export class PrometheusController {
  constructor(private readonly prometheus: PrometheusService) {}

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.prometheus.registry.contentType);
    res.send(await this.prometheus.registry.metrics());
  }
}
