import { Controller, Get, Redirect, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { join } from 'node:path';
import { Public } from '../auth/access.decorators.js';
import { projectRoot } from '../common/project-root.js';

const VIEWS = join(projectRoot(), 'views');

/** The pages. Their data comes from the API and Socket.IO; the HTML holds no device data. */
/** The pages load without a key; in token mode they ask for it once (views/assets/common.js). */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  @Get()
  dashboard(@Res() res: Response): void {
    res.sendFile(join(VIEWS, 'index.html'));
  }

  @Get('graph')
  graph(@Res() res: Response): void {
    res.sendFile(join(VIEWS, 'graph.html'));
  }

  @Get('dashboard')
  @Redirect('/', 301)
  legacyDashboard(): void {}
}
