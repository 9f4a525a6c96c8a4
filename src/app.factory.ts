import { type INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { useBodyParsing } from './common/body-parsing.js';
import { PinoNestLogger, rootLogger, useRequestLogging } from './common/logging.js';
import { SitewatchExpressAdapter } from './common/express-adapter.js';
import { useRateLimit } from './common/rate-limit.js';
import { useSecurityHeaders } from './common/security-headers.js';
import { validationPipe } from './common/validation-pipe.js';
import { listenError } from './common/listen-error.js';
import type { AppConfig } from './config/app-config.js';
import { IngestEvents } from './readings/ingest-events.js';
import { SitewatchIoAdapter } from './realtime/io-adapter.js';
import { RedisService } from './redis/redis.service.js';
import { useWebAssets } from './web/web-assets.js';

/** Builds the application for `config` without listening: main.ts and the tests share it. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    new SitewatchExpressAdapter(),
    {
      bodyParser: false,
      bufferLogs: true,
      forceCloseConnections: true,
    },
  );
  const logger = rootLogger(config.logLevel);
  app.useLogger(new PinoNestLogger(logger));
  app.set('query parser', 'simple');
  if (config.trustProxy > 0) {
    app.set('trust proxy', config.trustProxy);
  }
  useRequestLogging(app, logger);
  useSecurityHeaders(app);
  useRateLimit(app, config.httpRateLimit);
  const ingest = app.get(IngestEvents);
  useBodyParsing(app, () => ingest.rejected('http'));
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: config.corsOrigins });
  }
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useWebSocketAdapter(
    new SitewatchIoAdapter(app, config.corsOrigins, config.recoverySeconds, app.get(RedisService)),
  );
  useWebAssets(app);
  setUpOpenApi(app);
  return app;
}

function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('sitewatch')
      .setDescription('Real-time monitoring of facilities and their sensors')
      .setVersion('0.1.0')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'device token' },
        'device-token',
      )
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

/** Listens on HOST:PORT and logs `listening http <host>:<port>` with the port actually bound. */
export async function listen(app: INestApplication, config: AppConfig): Promise<number> {
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    throw listenError(error, 'HTTP', config.host, config.port, 'PORT (or HOST)');
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  new NestLogger('Http').log(`listening http ${config.host}:${port}`);
  return port;
}
