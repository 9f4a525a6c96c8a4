// The two floors of SPEC 9, each run as its own process: `node bench/floors.js bare|nest`.
// bare: a Node http server that parses the JSON and answers 201, storing nothing.
// nest: a minimal NestJS + Express app with sitewatch's ValidationPipe and DTO, storing nothing.
// Prints `listening <port>` once it accepts connections.
import 'reflect-metadata';
import http from 'node:http';

const kind = process.argv[2];

function bare() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
}

async function nest() {
  const { Body, Controller, HttpCode, Module, Post } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const { ReceiveReadingDto } = await import('../dist/src/readings/dto/receive-reading.dto.js');
  const { validationPipe } = await import('../dist/src/common/validation-pipe.js');

  // Decorators applied by hand: this file is plain JavaScript.
  class FloorController {
    receive(dto) {
      return dto;
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(FloorController.prototype, 'receive');
  Reflect.defineMetadata(
    'design:paramtypes',
    [ReceiveReadingDto],
    FloorController.prototype,
    'receive',
  );
  Body()(FloorController.prototype, 'receive', 0);
  HttpCode(201)(FloorController.prototype, 'receive', descriptor);
  Post('receive-json')(FloorController.prototype, 'receive', descriptor);
  Controller()(FloorController);
  class FloorModule {}
  Module({ controllers: [FloorController] })(FloorModule);

  const app = await NestFactory.create(FloorModule, { logger: ['error'] });
  app.useGlobalPipes(validationPipe());
  await app.listen(0, '127.0.0.1');
  console.log(`listening ${app.getHttpServer().address().port}`);
}

if (kind === 'bare') {
  bare();
} else if (kind === 'nest') {
  await nest();
} else {
  console.error('usage: node bench/floors.js bare|nest');
  process.exit(64);
}
