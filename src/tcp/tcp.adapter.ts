import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ApiKey } from '../auth/api-key.js';
import { AuthFailures } from '../auth/auth-failures.js';
import { DeviceTokensService } from '../auth/device-tokens.service.js';
import { listenError } from '../common/listen-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DevicesService } from '../devices/devices.service.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { commandAction, connectionAction } from '../occupancy/facility-actions.js';
import { OccupancyService } from '../occupancy/occupancy.service.js';
import { type CommandHandler, TcpConnection } from './tcp-connection.js';
import type { TcpCommand } from './tcp-line.parser.js';

/**
 * The facility device adapter: a raw TCP listener speaking the line protocol. It parses and
 * answers; occupancy and presence belong to their services.
 */
@Injectable()
export class TcpAdapter implements OnApplicationBootstrap, OnApplicationShutdown, CommandHandler {
  private readonly logger = new Logger(TcpAdapter.name);
  private readonly connections = new Set<TcpConnection>();
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly occupancy: OccupancyService,
    private readonly devices: DevicesService,
    private readonly monitor: MonitorService,
    private readonly apiKey: ApiKey,
    private readonly tokens: DeviceTokensService,
    private readonly failures: AuthFailures,
  ) {}

  /** The port actually bound (TCP_PORT may be 0). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { tcpHost: host, tcpPort: port } = this.config;
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(listenError(error, 'TCP', host, port, 'TCP_PORT (or TCP_HOST)')),
      );
      server.listen(port, host, () => resolve());
    });
    server.on('error', (error) => {
      this.logger.error(`TCP listener error: ${error.message}`);
      this.monitor.updateComponent('tcp', 'error', error.message);
    });
    this.server = server;
    this.logger.log(`listening tcp ${host}:${this.port}`);
    this.monitor.updateComponent('tcp', 'online', `${host}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server) {
      return;
    }
    const closed = new Promise((resolve) => this.server!.close(resolve));
    this.connections.forEach((connection) => connection.socket.destroy());
    await closed;
    this.monitor.updateComponent('tcp', 'offline', 'stopped');
  }

  private accept(socket: Socket): void {
    const retryAfter = this.apiKey.open ? 0 : this.failures.retryAfter(socket.remoteAddress ?? '');
    if (retryAfter > 0) {
      socket.end(`ERR unauthorized: too many failed attempts, retry in ${retryAfter} s\n`);
      socket.on('error', () => undefined);
      return;
    }
    if (this.connections.size >= this.config.tcpMaxConnections) {
      socket.end(
        `ERR too many connections (TCP_MAX_CONNECTIONS=${this.config.tcpMaxConnections})\n`,
      );
      socket.on('error', () => undefined);
      this.monitor.logEvent(
        'warning',
        `Refused a TCP connection from ${socket.remoteAddress}: ${this.config.tcpMaxConnections} already open`,
      );
      return;
    }
    const connection = new TcpConnection(socket, this, {
      maxCommandsPerSecond: this.config.tcpMaxCommandsPerSecond,
      idleSeconds: this.config.tcpIdleSeconds,
    });
    this.connections.add(connection);
  }

  async handle(command: TcpCommand, connection: TcpConnection): Promise<string> {
    try {
      if (!this.apiKey.open && !(await this.authorized(command, connection))) {
        this.refuse(connection, command);
        return 'ERR unauthorized';
      }
      switch (command.kind) {
        case 'invalid':
          return `ERR ${command.reason}`;
        case 'ping':
          this.sighted(connection);
          return 'PONG';
        case 'hello':
          connection.deviceId = command.deviceId;
          this.sighted(connection);
          this.monitor.logEvent(
            'device',
            `Device ${command.deviceId} connected over TCP from ${connection.remote}`,
            { deviceId: command.deviceId },
          );
          return `OK ${(await this.occupancy.apply(connectionAction(command.deviceId, true))).occupancy}`;
        case 'facility': {
          this.sighted(connection);
          const entry = await this.occupancy.apply(
            commandAction(command.name, connection.deviceId),
          );
          this.monitor.recordIngest('tcp', true);
          return `OK ${entry.occupancy}`;
        }
      }
    } catch (error) {
      this.logger.error(`${connection.remote}: ${String(error)}`);
      return 'ERR temporarily unavailable, try again';
    }
  }

  /**
   * Token mode: a HELLO with a facility device's token must come first. Runs synchronously up
   * to the verification, so the commands that follow a HELLO wait for its outcome, in order;
   * every command checks again that the token has not been revoked since.
   */
  private authorized(command: TcpCommand, connection: TcpConnection): Promise<boolean> {
    if (command.kind === 'hello') {
      const { deviceId, token } = command;
      connection.authenticated = token
        ? this.tokens
            .verify(token)
            .then((device) =>
              device?.deviceId === deviceId && device.kind === 'facility' ? device : null,
            )
        : Promise.resolve(null);
    }
    return connection.authenticated.then(
      (device) => device !== null && this.tokens.isCurrent(device),
    );
  }

  /** `ERR unauthorized`, then the connection closes; one failure counted per connection. */
  private refuse(connection: TcpConnection, command: TcpCommand): void {
    if (connection.ending) {
      return;
    }
    const reason =
      command.kind !== 'hello'
        ? connection.deviceId
          ? `the token of ${connection.deviceId} was revoked`
          : 'a command before HELLO <id> <token>'
        : command.token
          ? `wrong token for ${command.deviceId}, or not a facility device`
          : `HELLO ${command.deviceId} without a token`;
    const guessed = command.kind === 'hello' && command.token !== undefined;
    this.failures.record(
      'tcp',
      connection.socket.remoteAddress ?? connection.remote,
      reason,
      guessed,
    );
    this.rejected(connection, reason);
    connection.endAfterAnswers(`unauthorized: ${reason}`);
  }

  rejected(connection: TcpConnection, reason: string): void {
    this.monitor.recordIngest('tcp', false);
    this.logger.debug(`${connection.remote}: ${reason}`);
  }

  closed(connection: TcpConnection): void {
    this.connections.delete(connection);
    const who = connection.deviceId
      ? `Device ${connection.deviceId}`
      : `TCP client ${connection.remote}`;
    this.monitor.logEvent('device', `${who} disconnected`, {
      deviceId: connection.deviceId,
      remote: connection.remote,
    });
    if (connection.deviceId) {
      this.occupancy
        .apply(connectionAction(connection.deviceId, false))
        .catch((error: unknown) =>
          this.logger.error(
            `Logging the disconnect of ${connection.deviceId} failed: ${String(error)}`,
          ),
        );
    }
  }

  private sighted(connection: TcpConnection): void {
    if (connection.deviceId) {
      this.devices.seen(connection.deviceId, { kind: 'facility', channel: 'tcp' });
    }
  }
}
